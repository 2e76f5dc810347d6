// The public page behind a drum's QR (/8003/{grai}): open to anyone, no login.
export function PublicPage({ path }: { path: string }) {
  return <p>{path}</p>;
}
