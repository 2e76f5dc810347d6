// Which role a person may hold in which kind of organisation. The web app imports this file too:
// it must stay free of imports.

export const PERSON_ROLES = ['producer', 'driver', 'operator', 'inspector', 'admin'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

/** The organisation kind (`organisations.kind`) each role belongs to. */
export const ORG_KIND_OF_ROLE: Record<PersonRole, 'producer' | 'transporter' | 'operator' | 'authority'> = {
  producer: 'producer',
  driver: 'transporter',
  operator: 'operator',
  inspector: 'authority',
  admin: 'authority',
};

/** The roles a person of an organisation of this kind may hold. */
export const rolesForOrgKind = (kind: string): PersonRole[] => PERSON_ROLES.filter((r) => ORG_KIND_OF_ROLE[r] === kind);
