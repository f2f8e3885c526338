// The "Authentication Service" walkthrough (authentication-service.rst) from
// Node.js, calling libfwclient through koffi with the declarations of abi.mjs.
//
//   node walkthrough.mjs [DATASTACK [SERVER]]   (default: minnie65_public,
//                                                and $FW_DEVSERVER_URL if set)
//
// The library: $FWCLIENT_LIB, else pkg-config's libdir of fwclient, else the
// system loader. It writes ~/.cloudvolume/secrets/chunkedgraph-secret.json:
// run it with HOME pointing at a scratch directory (`make test-node` does).
// Exits 1 when anything differs from what the walkthrough promises.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import * as abi from './abi.mjs';

// The library's soname: major.minor while the major is 0.
const SONAME = `libfwclient.so.${abi.ABI_VERSION}`;

function libraryPath() {
  if (process.env.FWCLIENT_LIB) return process.env.FWCLIENT_LIB;
  try {
    const libdir = execFileSync('pkg-config', ['--variable=libdir', 'fwclient'], { encoding: 'utf8' }).trim();
    if (libdir && existsSync(join(libdir, SONAME))) return join(libdir, SONAME);
  } catch {
    // no pkg-config, or no fwclient.pc: the system loader decides
  }
  return SONAME;
}

const fw = abi.load(libraryPath());

// A failed call: the code's name, the message, and what the server said.
class FwError extends Error {
  constructor(what, rc, err) {
    const message = err ? fw.fw_error_message(err) : null;
    super(`${what}: ${fw.fw_result_name(rc)}: ${message ?? '(no detail)'}`);
    this.code = rc;
    this.httpStatus = err ? fw.fw_error_http_status(err) : 0;
    this.serverId = err ? fw.fw_error_server_id(err) : null;
    fw.fw_error_free(err); // NULL is fine
  }
}

// Calls fw[name](...args), with a trailing `err` when the function takes
// one; throws FwError unless FW_OK.
function call(name, args) {
  const err = [null];
  const rc = fw.takesErr.has(name) ? fw[name](...args, err) : fw[name](...args);
  if (rc !== abi.FW_OK) throw new FwError(name, rc, err[0]);
}

// The value a function hands out through its last out-parameter before err.
function out(name, ...args) {
  const box = [null];
  call(name, [...args, box]);
  return box[0];
}

function options(server, token) {
  const box = [null];
  call('fw_options_new', [box]);
  const opts = box[0];
  if (server) call('fw_options_set_server_address', [opts, server]);
  if (token) call('fw_options_set_token', [opts, token]);
  return opts;
}

function newClient(datastack, opts) {
  const client = out('fw_client_new', datastack, opts);
  const box = [null];
  call('fw_client_auth', [client, box]);
  return { client, auth: box[0] };
}

function free({ client, auth }) {
  fw.fw_auth_free(auth);
  fw.fw_client_free(client);
}

function expect(what, actual, wanted) {
  if (actual !== wanted) {
    throw new Error(`${what}: got ${JSON.stringify(actual)}, want ${JSON.stringify(wanted)}`);
  }
}

// A request that must fail with `code`.
function expectRefusal(what, client, code) {
  try {
    out('fw_client_datastack_info', client);
  } catch (e) {
    if (!(e instanceof FwError) || e.code !== code) throw e;
    console.log(`A request ${what} fails: ${e.message} (HTTP ${e.httpStatus}, ${e.serverId})`);
    return;
  }
  throw new Error(`a request ${what} succeeded`);
}

function main() {
  const datastack = process.argv[2] ?? 'minnie65_public';
  const server = process.argv[3] ?? process.env.FW_DEVSERVER_URL ?? '';
  console.log(`libfwclient ${fw.fw_version()} through koffi`);
  const opts = options(server, null);
  const directOpts = options(server, 'another_fake_token_678');
  try {
    // client = FrameworkClient(dataset_name); auth = client.auth
    let c = newClient(datastack, opts);
    const token = out('fw_auth_token', c.auth);
    console.log(`My current token is: ${token ?? 'None'}`);
    expect('the token before any save', token, null);
    if (server) expectRefusal('without a token', c.client, abi.FW_ERR_NOT_AUTHENTICATED);

    // auth.get_new_token()
    const instructions = out('fw_auth_new_token_instructions', c.auth);
    process.stdout.write(instructions);
    // ... with the line a Node user follows.
    expect('the Node line of the instructions',
      /Node: +fw_auth_save_token\(auth, 'PASTE_YOUR_TOKEN_HERE', null, null, 0, null\)/.test(instructions), true);

    // auth.save_token(token=new_token)
    call('fw_auth_save_token', [c.auth, 'fake_token_123', null, null, 0]);
    const saved = out('fw_auth_token', c.auth);
    console.log(`My token is now: ${saved}`);
    expect('the token after the save', saved, 'fake_token_123');
    console.log(`(saved to ${out('fw_auth_token_file', c.auth)})`);
    free(c);

    // client = FrameworkClient(dataset_name): the saved token is picked up.
    c = newClient(datastack, opts);
    try {
      const basic = out('fw_auth_token', c.auth);
      console.log(`Now my basic token is: ${basic}`);
      expect('the token of a new client', basic, 'fake_token_123');
      if (server) {
        const info = JSON.parse(out('fw_client_datastack_info', c.client));
        console.log(`With it, the datastack info of ${datastack}: local server ${info.local_server}`);
        expect('the local server', out('fw_client_local_server', c.client), server);
      }
    } finally {
      free(c);
    }

    // client_direct = FrameworkClient(dataset_name, auth_token='another_fake_token_678')
    c = newClient(datastack, directOpts);
    try {
      const direct = out('fw_auth_token', c.auth);
      console.log(`A directly specified token is: ${direct}`);
      expect('the direct token', direct, 'another_fake_token_678');
      if (server) expectRefusal('with the wrong token', c.client, abi.FW_ERR_INVALID_TOKEN);
    } finally {
      free(c);
    }
  } finally {
    fw.fw_options_free(directOpts);
    fw.fw_options_free(opts);
  }
}

try {
  main();
} catch (e) {
  console.error(`walkthrough: ${e.message}`);
  process.exit(1);
}
