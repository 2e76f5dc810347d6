// Demo people, one per role (two producers, drivers and operators, for the organisation-scope tests), with passwords
// and signing keys derived from their ids. For the demo pilot park only: never for real use.
import { createHash } from 'node:crypto';
import { ed25519PublicKey, toBase64 } from '../../ledger/index.js';

export interface DemoPerson {
  id: string;
  orgId: string;
  role: 'producer' | 'driver' | 'operator' | 'inspector' | 'admin';
  name: string;
  username: string;
  password: string;
}

export const DEMO_PEOPLE: DemoPerson[] = [
  { id: 'p-wang-jianguo', orgId: 'org-hengkang', role: 'producer', name: '王建国', username: 'producer', password: 'producer-demo' },
  { id: 'p-chen-haiyan', orgId: 'org-ruitai', role: 'producer', name: '陈海燕', username: 'producer2', password: 'producer2-demo' },
  { id: 'p-li-qiang', orgId: 'org-anyun', role: 'driver', name: '李强', username: 'driver', password: 'driver-demo' },
  { id: 'p-wu-gang', orgId: 'org-taihang', role: 'driver', name: '吴刚', username: 'driver2', password: 'driver2-demo' },
  { id: 'p-zhao-min', orgId: 'org-dongxin', role: 'operator', name: '赵敏', username: 'operator', password: 'operator-demo' },
  { id: 'p-huang-lei', orgId: 'org-lvxun', role: 'operator', name: '黄磊', username: 'operator2', password: 'operator2-demo' },
  { id: 'p-sun-li', orgId: 'org-linhai-eeb', role: 'inspector', name: '孙丽', username: 'inspector', password: 'inspector-demo' },
  { id: 'p-zhou-admin', orgId: 'org-linhai-eeb', role: 'admin', name: '周管理', username: 'admin', password: 'admin-demo' },
];

const b64url = (b: Uint8Array) => toBase64(b).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const seedOf = (id: string) => new Uint8Array(createHash('sha256').update(`hazledger demo person key:${id}`).digest());

export function demoPublicJwk(id: string) {
  return { kty: 'OKP', crv: 'Ed25519', x: b64url(ed25519PublicKey(seedOf(id))) };
}

/** The private half, for the demo's own clients and the tests. */
export function demoPrivateJwk(id: string) {
  return { ...demoPublicJwk(id), d: b64url(seedOf(id)) };
}
