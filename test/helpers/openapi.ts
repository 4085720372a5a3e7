import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * HubSpot's OpenAPI specs, read from ../shared/hubspot-openapi (never copied into the project), and an ajv
 * validator for the request and response bodies they describe.
 */
export const SPEC_DIR = resolve(__dirname, '../../../shared/hubspot-openapi');
export const specsAvailable = existsSync(SPEC_DIR);
export const SKIP_REASON = `HubSpot's OpenAPI specs not found at ${SPEC_DIR}: contract tests skipped (they run where ../shared exists, as in CI).`;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Operation {
  file: string;
  template: string;
  regex: RegExp;
  literalChars: number;
  op: Json;
}

let ajv: Ajv | undefined;
let operations: Operation[] = [];
const specs = new Map<string, Json>();
const compiled = new Map<string, ValidateFunction>();

function load(): void {
  if (ajv || !specsAvailable) return;
  ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  for (const f of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) ajv.addFormat(f, true);
  for (const file of readdirSync(SPEC_DIR).filter((f) => f.endsWith('.json'))) {
    const spec = JSON.parse(readFileSync(join(SPEC_DIR, file), 'utf8')) as Json;
    specs.set(file, spec);
    ajv.addSchema({ $id: file, components: rewriteRefs(spec.components ?? {}, file) });
    for (const [template, item] of Object.entries(spec.paths as Json)) {
      for (const [method, op] of Object.entries(item as Json)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        operations.push({
          file,
          template: `${method.toUpperCase()} ${template}`,
          regex: new RegExp(`^${method.toUpperCase()} ${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
          literalChars: template.replace(/\{[^}]+\}/g, '').length,
          op: op as Json,
        });
      }
    }
  }
  // The most specific template wins: `/batch/read` before `/{objectId}`, `/objects/contacts` before `/{objectType}`.
  operations = operations.sort((a, b) => b.literalChars - a.literalChars);
}

function rewriteRefs(node: unknown, file: string): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, file));
  if (node && typeof node === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `${file}${v}` : rewriteRefs(v, file);
    return out;
  }
  return node;
}

/** The spec operation for a concrete method and path, e.g. `GET /crm/v3/objects/contacts/12`. */
export function findOperation(method: string, path: string): Operation | undefined {
  load();
  const key = `${method.toUpperCase()} ${path.split('?')[0]}`;
  return operations.find((o) => o.regex.test(key));
}

function validator(cacheKey: string, file: string, schema: Json): ValidateFunction {
  let v = compiled.get(cacheKey);
  if (!v) {
    v = ajv!.compile(rewriteRefs(schema, file));
    compiled.set(cacheKey, v);
  }
  return v;
}

const formatErrors = (v: ValidateFunction) => (v.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`);

/**
 * Validates a response against the spec. Returns the problems found (empty when it conforms). A status the
 * spec does not document for the operation is a problem too, except errors, which fall under `default`.
 */
export function responseProblems(method: string, path: string, status: number, body: unknown): string[] {
  if (!specsAvailable) return [];
  const op = findOperation(method, path);
  if (!op) return [`no operation in the specs for ${method} ${path}`];
  const responses = op.op.responses as Json;
  const response = deref(op.file, responses[String(status)] ?? (status >= 400 ? responses.default : undefined));
  if (!response) return [`${op.template} (${op.file}) documents no ${status} response (has ${Object.keys(responses).join(', ')})`];
  const schema = response.content?.['application/json']?.schema ?? response.content?.['*/*']?.schema;
  if (!schema) return body === undefined || body === '' || body === null ? [] : [`${op.template} ${status} has no body in the spec, got one`];
  const v = validator(`${op.file} ${op.template} ${status}`, op.file, schema);
  return v(body) ? [] : formatErrors(v).map((e) => `${op.template} ${status}: ${e}`);
}

/** Follows a local `$ref` (e.g. `#/components/responses/Error`) inside a spec file. */
function deref(file: string, node: Json | undefined): Json | undefined {
  if (!node?.$ref) return node;
  const path = String(node.$ref).replace(/^#\//, '').split('/');
  return deref(file, path.reduce<Json | undefined>((n, key) => n?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], specs.get(file)));
}

/** Validates a request body against the spec's request schema. */
export function requestProblems(method: string, path: string, body: unknown): string[] {
  if (!specsAvailable) return [];
  const op = findOperation(method, path);
  if (!op) return [`no operation in the specs for ${method} ${path}`];
  const schema = deref(op.file, op.op.requestBody)?.content?.['application/json']?.schema;
  if (!schema) return body === undefined ? [] : [`${op.template} takes no JSON body in the spec`];
  const v = validator(`${op.file} ${op.template} request`, op.file, schema);
  return v(body) ? [] : formatErrors(v).map((e) => `${op.template} request: ${e}`);
}

/** `describe` where the specs exist; otherwise a skipped block that says why. */
export const describeWithSpecs: (name: string, fn: () => void) => void = (name, fn) => {
  if (specsAvailable) return describe(name, fn);
  // eslint-disable-next-line no-console
  console.warn(SKIP_REASON);
  const skipWithReason = describe.skip; // the reason is printed just above
  return skipWithReason(name, fn);
};
