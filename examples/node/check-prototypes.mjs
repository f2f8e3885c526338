// Checks the declarations of abi.mjs against the header: each prototype,
// read back as C (`_Out_` dropped, `fw_string *` as `char **`), must be the
// header's declaration of that function, names of parameters included.
//
//   cc -E -P header-without-includes | node check-prototypes.mjs
import { readFileSync } from 'node:fs';

import { PROTOTYPES } from './abi.mjs';

const normalize = (s) => s.replace(/\s+/g, ' ').replace(/\s*([*(),])\s*/g, '$1').trim();

const header = readFileSync(0, 'utf8');
const declared = new Map();
for (const decl of header.split(';')) {
  const m = /\b(fw_\w+)\s*\(/.exec(decl);
  if (m && !/[{}]/.test(decl)) declared.set(m[1], normalize(decl));
}

let failures = 0;
for (const prototype of PROTOTYPES) {
  const asC = normalize(prototype.replace(/_Out_ /g, '').replace(/\bfw_string \*/g, 'char **'));
  const name = /\b(fw_\w+)\(/.exec(asC)[1];
  if (!declared.has(name)) {
    console.error(`check-prototypes: ${name} is not declared in the header`);
    failures++;
  } else if (declared.get(name) !== asC) {
    console.error(`check-prototypes: ${name} differs:\n  abi.mjs: ${asC}\n  header:  ${declared.get(name)}`);
    failures++;
  }
}
if (failures > 0) process.exit(1);
console.log(`check-prototypes: ${PROTOTYPES.length} koffi declarations match the header`);
