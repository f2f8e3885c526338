// libfwclient's C ABI for koffi: every declaration the Node walkthrough uses,
// in this one block, written as the header writes them. check-prototypes.mjs
// compares each line with include/fwclient.h (`make test-node` runs it), so
// a change of the header cannot go unnoticed here.
//
// The patterns a hand-written binding relies on:
// - handles are opaque pointers (koffi.opaque), freed by their fw_*_free;
// - fallible functions return fw_result (FW_OK == 0) and all take a trailing
//   `fw_error **err` (an out-parameter: pass [null], read err[0], free it);
// - strings handed out through `char **` are the caller's, freed with
//   fw_string_free: `fw_string` below is a koffi disposable type that copies
//   such a string into JS and frees it at once;
// - borrowed `const char *` results (fw_error_message, ...) are copied by
//   koffi's `const char *` conversion.
import koffi from 'koffi';

// The library version these declarations describe (0.x: major.minor).
export const ABI_VERSION = '0.3';

export const FW_OK = 0;
export const FW_ERR_NOT_AUTHENTICATED = 10;
export const FW_ERR_INVALID_TOKEN = 11;

export const PROTOTYPES = [
  'fw_result fw_options_new(_Out_ fw_options **out_opts, _Out_ fw_error **err)',
  'fw_result fw_options_set_token(fw_options *opts, const char *token, _Out_ fw_error **err)',
  'fw_result fw_options_set_server_address(fw_options *opts, const char *url, _Out_ fw_error **err)',
  'fw_result fw_options_set_secrets_dir(fw_options *opts, const char *dir, _Out_ fw_error **err)',
  'void fw_options_free(fw_options *opts)',
  'fw_result fw_client_new(const char *datastack, const fw_options *opts, _Out_ fw_client **out_client, _Out_ fw_error **err)',
  'fw_result fw_client_auth(const fw_client *client, _Out_ fw_auth **out_auth, _Out_ fw_error **err)',
  'fw_result fw_client_datastack_info(const fw_client *client, _Out_ fw_string *out_json, _Out_ fw_error **err)',
  'fw_result fw_client_local_server(const fw_client *client, _Out_ fw_string *out_url, _Out_ fw_error **err)',
  'void fw_client_free(fw_client *client)',
  'fw_result fw_auth_token(const fw_auth *auth, _Out_ fw_string *out_token, _Out_ fw_error **err)',
  'fw_result fw_auth_token_file(const fw_auth *auth, _Out_ fw_string *out_path, _Out_ fw_error **err)',
  'fw_result fw_auth_new_token_instructions(const fw_auth *auth, _Out_ fw_string *out_instructions, _Out_ fw_error **err)',
  'fw_result fw_auth_save_token(const fw_auth *auth, const char *token, const char *token_key, const char *token_file, uint32_t flags, _Out_ fw_error **err)',
  'void fw_auth_free(fw_auth *auth)',
  'const char *fw_error_message(const fw_error *e)',
  'fw_result fw_error_code(const fw_error *e)',
  'uint16_t fw_error_http_status(const fw_error *e)',
  'const char *fw_error_server_id(const fw_error *e)',
  'void fw_error_free(fw_error *e)',
  'const char *fw_result_name(uint32_t code)',
  'const char *fw_version(void)',
];

// Loads the library at `path` and declares PROTOTYPES on it; returns an
// object with one JS function per C function, and `takesErr`: the names of
// the functions whose last parameter is `fw_error **err`.
export function load(path) {
  const lib = koffi.load(path);
  koffi.alias('fw_result', 'uint32_t');
  for (const name of ['fw_options', 'fw_client', 'fw_auth', 'fw_error']) {
    koffi.opaque(name);
  }
  // The header's `void fw_string_free(char *s)`, taking the raw pointer.
  const stringFree = lib.func('void fw_string_free(void *s)');
  koffi.disposable('fw_string', 'const char *', (ptr) => stringFree(ptr));
  const fw = { takesErr: new Set() };
  for (const prototype of PROTOTYPES) {
    const fn = lib.func(prototype);
    fw[fn.info.name] = fn;
    if (/\bfw_error \*\*err\)$/.test(prototype)) fw.takesErr.add(fn.info.name);
  }
  const version = fw.fw_version();
  if (!version.startsWith(ABI_VERSION + '.')) {
    throw new Error(`${path} is libfwclient ${version}; these declarations are for ${ABI_VERSION}.x`);
  }
  return fw;
}
