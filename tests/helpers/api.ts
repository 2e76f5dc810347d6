// Talking to the app as each demo person, with signed or unsigned steps.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { CompactSign, importJWK, type JWK } from 'jose';
import { canonicalBytes } from '../../ledger/index.js';
import { DEMO_PEOPLE, demoPrivateJwk } from '../../server/registry/demo-people.js';

export type Who = 'producer' | 'producer2' | 'driver' | 'driver2' | 'operator' | 'operator2' | 'inspector' | 'admin';

export async function login(app: FastifyInstance, who: Who): Promise<string> {
  const p = DEMO_PEOPLE.find((x) => x.username === who)!;
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: p.username, password: p.password } });
  if (res.statusCode !== 200) throw new Error(`login ${who}: ${res.body}`);
  return res.json().accessToken;
}

export const personOf = (who: Who) => DEMO_PEOPLE.find((x) => x.username === who)!;

export async function signClaim(claim: object, jwk: JWK = demoPrivateJwk(personOf('producer').id)): Promise<string> {
  const alg = jwk.kty === 'EC' ? 'ES256' : 'EdDSA';
  return new CompactSign(canonicalBytes(claim)).setProtectedHeader({ alg }).sign(await importJWK(jwk, alg));
}

let n = 0;
export const eventId = (tag = 'evt') => `${tag}-${process.pid}-${Date.now().toString(36)}-${n++}`;

export function registration(overrides: Record<string, unknown> = {}) {
  return {
    eventId: eventId('reg'),
    siteId: 'site-hengkang-plant',
    wasteCode: '271-001-02',
    name: '精馏残渣',
    hazards: ['T'],
    physicalForm: '固态',
    containerType: '钢桶',
    volumeL: 200,
    components: '甲苯、二氯甲烷残渣',
    generationDate: '2026-11-20',
    ...overrides,
  };
}

export class Client {
  constructor(
    readonly app: FastifyInstance,
    readonly token: string,
  ) {}

  static async as(app: FastifyInstance, who: Who): Promise<Client> {
    return new Client(app, await login(app, who));
  }

  request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown): Promise<LightMyRequestResponse> {
    return this.app.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${this.token}` } });
  }

  async register(overrides: Record<string, unknown> = {}) {
    const res = await this.request('POST', '/api/units', registration(overrides));
    if (res.statusCode !== 201) throw new Error(`register: ${res.statusCode} ${res.body}`);
    return res.json().units[0] as { unit: { id: string; [k: string]: unknown }; entry: { index: number; leafHash: string } };
  }
}
