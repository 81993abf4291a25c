/** Validate documents against a schema in schema/ (ajv, draft 2020-12). */
import Ajv2020 from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT } from './run.js';

export function schemaValidator(file: string, pointer = ''): (document: unknown) => void {
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'schema', file), 'utf8')) as { $id: string };
  const ajv = new Ajv2020({ allErrors: true });
  ajv.addSchema(schema);
  const validate = ajv.compile({ $ref: `${schema.$id}${pointer ? `#${pointer}` : ''}` });
  return (document) => {
    const valid = validate(document);
    expect(validate.errors ?? [], `${file}${pointer}`).toEqual([]);
    expect(valid).toBe(true);
  };
}
