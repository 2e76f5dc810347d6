CREATE TABLE "licence_usage" (
	"licence_id" text NOT NULL,
	"year" integer NOT NULL,
	"grams" bigint NOT NULL,
	CONSTRAINT "licence_usage_licence_id_year_pk" PRIMARY KEY("licence_id","year")
);
