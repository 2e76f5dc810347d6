// The demo pilot park's vehicles, as the manifest tests name them.
import { loadPilotPark } from '../../server/registry/seed.js';

export const park = loadPilotPark().park;
export const plateOf = (org: string) => park.vehicles.find((v) => v.orgId === org)!.plate;
/** A transport leg by a transporter's (first) vehicle. */
export const leg = (org: string) => ({ transporterOrgId: org, vehiclePlate: plateOf(org) });
