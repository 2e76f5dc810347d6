// The official GS1 EPCIS 2.0.1 JSON Schema (tests/fixtures/epcis/), compiled with ajv (draft-07)
// and ajv-formats, as the test oracle for the export.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';

type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = (formatsModule as unknown as { default?: AddFormats }).default ?? (formatsModule as unknown as AddFormats);

export const SCHEMA_PATH = fileURLToPath(new URL('../fixtures/epcis/epcis-json-schema-2.0.1.json', import.meta.url));
export const SCHEMA_SHA256 = '0f46ff694efffd8d8ce840a33dfde84228add11b516b8b258f3200740ae210af';

let compiled: ValidateFunction | undefined;

/** Validates an EPCIS 2.0 document (or a bare event with its @context) against the official schema. */
export function epcisValidator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    compiled = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
  }
  return compiled;
}

/** The schema's complaints, readable in a test failure. */
export function schemaErrors(doc: unknown): string[] {
  const validate = epcisValidator();
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}
