#!/usr/bin/env python3
"""Generates the C test that calls every function of include/fwclient.h with
NULL for each pointer parameter in turn, every other argument valid.

    gen-null-tests.py HEADER OUT.c

What each generated call must give (read from the header itself):
  - a function returning fw_result: FW_ERR_INVALID_ARGUMENT, its error slot
    (when it has one) filled with an FW_ERR_INVALID_ARGUMENT error with a
    message, the same again with the error slot NULL, and every
    out-parameter left as it was;
  - a parameter whose `@param` text says it may be NULL ("NULL allowed",
    "NULL allowed when @p n is 0", or a clause beginning with NULL: "NULL
    for the defaults", "...; NULL means ..."): FW_OK (and what it returns is
    freed);
  - a `_free` function: NULL is a no-op (it must not crash);
  - any other function: the value its doc gives for a NULL argument ("0 when
    @p response is NULL", "NULL when ... @p e is NULL"), or, for a parameter
    documented as nullable without a value, a call that must not crash.
The trailing `fw_error **err` is optional by the header's conventions and is
given NULL in the second call of each refusal.

Nothing is skipped silently: a function whose declaration cannot be parsed,
a parameter type the generator cannot make a valid value for, or an accessor
whose NULL behaviour the doc does not state stops the generator with an
error saying what to teach it (or what to document). The generator also
counts the header's functions independently (every `fw_...(` outside
comments) and fails when it parsed fewer.

The output is generated at build time into the build directory and never
committed: the header itself is generated and committed with a drift check,
so generating from it at build time covers a new function the moment it is
declared, with no second file to keep in step.
"""

import re
import sys

HANDLES = (
    "fw_options",
    "fw_auth",
    "fw_client",
    "fw_error",
    "fw_response",
    "fw_cancel",
    "fw_request_options",
    "fw_stream",
    "fw_login",
)

# Functions that wait for something outside the test (a browser): called
# with `timeout_ms` 1, a parameter documented as nullable must answer as a
# valid one does (the same code, FW_ERR_TIMEOUT), never INVALID_ARGUMENT.
WAITS = ("fw_login_wait",)


class GenError(Exception):
    pass


def strip_comments(text):
    """The text with every comment replaced by spaces (positions kept)."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    return re.sub(r"/\*.*?\*/|//[^\n]*", blank, text, flags=re.S)


def parse_param(text, func):
    text = " ".join(text.split())
    m = re.match(r"^(?P<type>.*?[\s\*])(?P<name>[A-Za-z_]\w*)$", text)
    if not m:
        raise GenError(f"{func}: cannot parse parameter `{text}`")
    ctype = re.sub(r"\s*\*", " *", m.group("type").strip()).replace("* *", "**")
    ctype = re.sub(r"\s+", " ", ctype).strip()
    return ctype, m.group("name")


def parse_header(text):
    code = strip_comments(text)
    docs = [(m.end(), m.group(1)) for m in re.finditer(r"/\*\*(.*?)\*/", text, re.S)]
    decl = re.compile(
        r"^(?P<ret>(?:const\s+)?[A-Za-z_]\w*(?:\s*\*)*)\s*(?P<name>fw_\w+)\s*"
        r"\((?P<params>[^()]*)\)\s*;",
        re.M,
    )
    funcs = []
    for m in decl.finditer(code):
        doc = ""
        for end, body in docs:
            if end <= m.start() and text[end:m.start()].strip() == "":
                doc = " ".join(
                    line.strip().lstrip("*").strip() for line in body.splitlines()
                ).strip()
        params = []
        raw = m.group("params").strip()
        if raw and raw != "void":
            params = [parse_param(p, m.group("name")) for p in raw.split(",")]
        ret = re.sub(r"\s*\*", " *", " ".join(m.group("ret").split())).strip()
        funcs.append({"name": m.group("name"), "ret": ret, "params": params, "doc": doc})
    # Independent count: every function name followed by `(` outside comments
    # (no macro of the header takes arguments).
    seen = set(re.findall(r"\b(fw_[a-z0-9_]+)\s*\(", code))
    parsed = {f["name"] for f in funcs}
    if seen != parsed:
        raise GenError(
            "declarations not understood: " + ", ".join(sorted(seen - parsed))
        )
    return funcs


def param_doc(doc, name):
    """The text of `@param name` in a Doxygen comment ("" when absent)."""
    m = re.search(
        r"@param\s+" + re.escape(name) + r"\s+(.*?)(?=\s@param\s|\s@return\b|\sThread safety:|$)",
        doc,
    )
    return m.group(1) if m else ""


def nullable(doc, name):
    """(True, length-param-to-zero or None) when the doc lets `name` be NULL:
    its `@param` text says "NULL allowed", or a clause of it begins with NULL
    ("NULL for the defaults", "...; NULL means ..."), but not "NULL when"."""
    text = param_doc(doc, name)
    if "NULL allowed" in text or re.search(r"(^|[;:.(]\s*)NULL\b(?!\s+when)", text):
        m = re.search(r"NULL allowed when @p (\w+) is 0", text)
        return True, m.group(1) if m else None
    return False, None


def null_result(doc, name, ret):
    """The C expression a non-fw_result function returns for NULL `name`."""
    n = re.escape(name)
    m = re.search(
        r"(NULL|\b[A-Z][A-Z0-9_]+|\b0)\s+when\b[^.;]*?(?:`" + n + r"`|@p " + n + r")\s+is\s+NULL",
        doc,
    )
    if m:
        return m.group(1)
    raise GenError(
        f"the doc of the function does not say what it returns when `{name}` is NULL; "
        "document it in src/ (e.g. \"0 when @p x is NULL\")"
    )


# Valid values of a buffer or array parameter followed by its length, by type.
ARRAYS = {
    "const uint8_t *": '(const uint8_t *)"x"',
    "const uint64_t *": "&one_id",
    "const char *const *": "one_url",
    "const fw_batch_request *": "one_request",
}

# Valid values of plain `const char *` parameters, by name.
STRING_VALUES = {
    "url": "f->echo_url",
    "method": '"GET"',
    "token": '"fake_token_123"',
    "token_key": '"token"',
    "key": '"token"',
    "token_file": "f->file",
    "path": "f->file",
    "dir": "f->dir",
    "origin": '"https://example.org"',
    "name": '"content-type"',
    "description": '"generated NULL test"',
    "authorize_url": "f->echo_url",
    "datastack": '"minnie65_public"',
    "content_type": '"text/plain"',
}


class Call:
    """The arguments of one call of `func` with `null` given NULL."""

    def __init__(self, func, null, zero_len=None, empty=None):
        self.func = func
        self.decls = []     # local declarations
        self.args = []      # argument expressions
        self.outs = []      # (local, sentinel expression, free function or None)
        self.has_err = False
        params = func["params"]
        i = 0
        while i < len(params):
            ctype, name = params[i]
            nxt = params[i + 1] if i + 1 < len(params) else None
            i += 1
            if ctype == "fw_error **" and name == "err":
                self.has_err = True
                self.args.append("ERRP")
                continue
            # A buffer (or an array) and its length.
            if ctype in ARRAYS and nxt and nxt[0] == "size_t":
                i += 1
                if name == null:
                    self.args += ["NULL", "0" if zero_len == nxt[1] else "1"]
                else:
                    self.args += [ARRAYS[ctype], "0" if empty == nxt[1] else "1"]
                continue
            # A buffer to fill and its room.
            if ctype == "uint8_t *" and nxt and nxt[0] == "size_t":
                i += 1
                if name == null:
                    self.args += ["NULL", "0" if zero_len == nxt[1] else "1"]
                else:
                    self.args += ["room", "0" if empty == nxt[1] else "1"]
                continue
            if name == null:
                self.args.append("NULL")
                continue
            self.args.append(self.value(ctype, name))

    def value(self, ctype, name):
        base = ctype.replace("const ", "").strip()
        if base.endswith(" *") and base[:-2] in HANDLES:
            return "f->" + base[len("fw_"):-2]
        if ctype == "const char *":
            return STRING_VALUES.get(name, '"x"')
        if base.endswith(" **") and base[:-3] in HANDLES + ("char",):
            t = base[:-3]
            local = f"out_{name}"
            self.decls.append(f"{t} *{local} = ({t} *)SENTINEL;")
            free = "fw_string_free" if t == "char" else f"{t}_free"
            self.outs.append((local, f"({t} *)SENTINEL", free))
            return "&" + local
        if ctype == "const uint8_t **":
            local = f"out_{name}"
            self.decls.append(f"const uint8_t *{local} = (const uint8_t *)SENTINEL;")
            self.outs.append((local, "(const uint8_t *)SENTINEL", None))
            return "&" + local
        if ctype in ("size_t *", "uint32_t *", "int64_t *", "uint16_t *", "uint64_t *",
                     "fw_layout *", "fw_token_source *"):
            local = f"out_{name}"
            self.decls.append(f"{ctype[:-2]} {local} = 77;")
            self.outs.append((local, "77", None))
            return "&" + local
        if ctype == "uint32_t" and name == "timeout_ms":
            return "1"
        if ctype == "uint32_t":
            return {
                "flags": "FW_SAVE_OVERWRITE",
                "layout": "FW_LAYOUT_FRAMEWORK",
                "max_in_flight": "1",
            }.get(name, "0")
        if ctype == "fw_token_source":
            return "FW_SOURCE_FILE"
        if ctype == "fw_batch_callback":
            return "gen_batch_done"
        if ctype == "void *":
            return "(void *)SENTINEL"
        if ctype == "uint64_t":
            return "1000" if name.endswith("_ms") else "1"
        if ctype == "size_t":
            return "1"
        if ctype == "bool":
            return "false"
        raise GenError(
            f"no valid value known for parameter `{ctype} {name}`; "
            "teach gen-null-tests.py (Call.value)"
        )


def c_literal(s):
    """`s` escaped for the inside of a C string literal."""
    return s.replace("\\", "\\\\").replace('"', '\\"')


def emit_function(func, out):
    name, ret, doc = func["name"], func["ret"], func["doc"]
    # A function returning fw_result without an error slot (fw_error_code)
    # reads a value; it is checked as an accessor.
    fallible = ret == "fw_result" and ("fw_error **", "err") in func["params"]
    pointers = [p for p in func["params"] if "*" in p[0] and not (p[0] == "fw_error **" and p[1] == "err")]
    body = []
    if not pointers:
        body.append(f"    /* {name}: no pointer parameter. */")
        if ret == "void":
            raise GenError(f"{name}: a function without pointer parameters returning void?")
        body.append(f"    (void){name}({', '.join(Call(func, None).args)});")
        body.append("    th_record(true);")
    for ctype, pname in pointers:
        try:
            ok_null, zero_len = nullable(doc, pname)
            call = Call(func, pname, zero_len)
        except GenError as e:
            raise GenError(f"{name}: {e}") from None
        args = ", ".join(call.args)
        text = c_literal(f"{name}({args.replace('ERRP', 'err')})")
        body.append("    {")
        body.append(f"        /* {pname} = NULL */")
        for d in call.decls:
            body.append("        " + d)
        if ret == "void":
            if not name.endswith("_free"):
                raise GenError(f"{name}: returns void but is not a _free function")
            body.append(f"        {name}({args});")
            body.append(f'        gen_passed("{name}", "{pname}", "NULL is a no-op");')
        elif fallible and ok_null and zero_len:
            # (NULL, 0) must behave as (valid pointer, 0): same code.
            same_args = ", ".join(Call(func, None, None, empty=zero_len).args)
            body.append("        fw_error *e = NULL;")
            body.append("        fw_error **ERRP = &e;")
            body.append("        (void)ERRP;")
            body.append(f"        fw_result rc = {name}({args});")
            body.append("        fw_error_free(e);")
            body.append("        e = NULL;")
            for local, sentinel, free in call.outs:
                if free:
                    body.append(f"        if ({local} != {sentinel}) {{ {free}({local}); {local} = {sentinel}; }}")
            body.append(f"        fw_result rc_valid = {name}({same_args});")
            body.append("        fw_error_free(e);")
            body.append(f'        gen_check("{text}", "{pname}", rc == rc_valid, "to answer as a valid pointer with length 0 does");')
            for local, sentinel, free in call.outs:
                if free:
                    body.append(f"        if ({local} != {sentinel}) {free}({local});")
        elif fallible and ok_null and name in WAITS:
            valid = Call(func, None)
            same_args = ", ".join(valid.args)
            for d in valid.decls:
                if d not in call.decls:
                    body.append("        " + d)
            body.append("        fw_error *e = NULL;")
            body.append("        fw_error **ERRP = &e;")
            body.append("        (void)ERRP;")
            body.append(f"        fw_result rc = {name}({args});")
            body.append("        fw_error_free(e);")
            body.append("        e = NULL;")
            body.append(f"        fw_result rc_valid = {name}({same_args});")
            body.append("        fw_error_free(e);")
            body.append(f'        gen_check("{text}", "{pname}", rc == rc_valid && rc != FW_ERR_INVALID_ARGUMENT, "to answer as a valid value does");')
            for local, sentinel, free in valid.outs:
                if free:
                    body.append(f"        if ({local} != {sentinel}) {free}({local});")
        elif fallible and ok_null:
            body.append("        fw_error *e = NULL;")
            body.append("        fw_error **ERRP = &e;")
            body.append("        (void)ERRP;")
            body.append(f"        fw_result rc = {name}({args});")
            body.append(f'        gen_check_ok("{text}", "{pname}", rc, &e);')
            for local, sentinel, free in call.outs:
                if free:
                    body.append(f"        if (rc == FW_OK && {local} != {sentinel}) {free}({local});")
        elif fallible:
            body.append("        fw_error *e = NULL;")
            body.append("        fw_error **ERRP = &e;")
            body.append("        (void)ERRP;")
            body.append(f"        fw_result rc = {name}({args});")
            body.append(f'        gen_check_invalid("{text}", "{pname}", rc, &e, {"true" if call.has_err else "false"});')
            if call.has_err:
                body.append("        ERRP = NULL;")
                body.append(f"        rc = {name}({args});")
                body.append(f'        gen_check_invalid("{text} (err NULL)", "{pname}", rc, NULL, false);')
            for local, sentinel, _ in call.outs:
                body.append(f'        gen_check_untouched("{name}", "{pname}", "{local}", {local} == {sentinel});')
        else:
            try:
                want = null_result(doc, pname, ret)
            except GenError as e:
                if not ok_null:
                    raise GenError(f"{name}: {e}") from None
                # Documented as allowed, with no particular value: it must
                # work (and not crash).
                body.append(f"        (void){name}({args});")
                body.append(f'        gen_passed("{name}", "{pname}", "NULL allowed");')
                body.append("    }")
                continue
            if ret.endswith("*"):
                body.append(f"        bool same = {name}({args}) == {want};")
            else:
                body.append(f"        bool same = {name}({args}) == ({ret})({want});")
            body.append(f'        gen_check("{text}", "{pname}", same, "gives {want}");')
        body.append("    }")
    out.append(f"static void gen_{name}(fixtures *f) {{")
    out.append("    (void)f;")
    out.extend(body)
    out.append("}")
    out.append("")


PRELUDE = r"""/*
 * GENERATED by bindings/c/tests/gen-null-tests.py from %(header)s.
 * Do not edit: regenerated at every build.
 *
 * Every function of the header, called with NULL for each pointer
 * parameter in turn (every other argument valid), gives what the header
 * documents: FW_ERR_INVALID_ARGUMENT with every out-parameter untouched,
 * FW_OK for a parameter documented as nullable, a no-op for _free, or the
 * documented default of an accessor. %(count)d functions.
 */
#define _XOPEN_SOURCE 700

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devserver.h"
#include "helpers.h"

static char sentinel_byte;
#define SENTINEL (&sentinel_byte)
static const uint64_t one_id = 1;
static uint8_t room[1];
static unsigned long calls;
/* A batch of one request that fails alone (an invalid URL, no network). */
static const char *const one_url[1] = {"x"};
static const fw_batch_request one_request[1] = {{"GET", "x", NULL, 0, NULL}};

static int gen_batch_done(void *user_data, size_t index, fw_result result,
                          const fw_response *response, const fw_error *error) {
    (void)user_data;
    (void)index;
    (void)result;
    (void)response;
    (void)error;
    return 0;
}

typedef struct fixtures {
    th_home home;
    th_devserver srv;
    char echo_url[300];
    char file[TH_PATH_MAX];
    char dir[TH_PATH_MAX];
    fw_options *options;
    fw_client *client;
    fw_auth *auth;
    fw_response *response;
    fw_stream *stream;
    fw_error *error;
    fw_cancel *cancel;
    fw_request_options *request_options;
    fw_login *login;
} fixtures;

static void gen_passed(const char *func, const char *param, const char *what) {
    (void)func;
    (void)param;
    (void)what;
    calls++;
    th_record(true);
}

static void gen_check(const char *call, const char *param, bool ok, const char *what) {
    calls++;
    if (!ok) {
        printf("FAIL %%s (NULL %%s): expected it %%s\n", call, param, what);
    }
    th_record(ok);
}

static void gen_check_invalid(const char *call, const char *param, fw_result rc, fw_error **e,
                              bool has_err) {
    calls++;
    bool ok = rc == FW_ERR_INVALID_ARGUMENT;
    if (!ok) {
        printf("FAIL %%s (NULL %%s): returned %%s, expected FW_ERR_INVALID_ARGUMENT\n", call, param,
               fw_result_name(rc));
    }
    if (e != NULL && has_err) {
        bool slot = *e != NULL && fw_error_code(*e) == FW_ERR_INVALID_ARGUMENT &&
                    fw_error_message(*e) != NULL && fw_error_message(*e)[0] != '\0';
        if (!slot) {
            printf("FAIL %%s (NULL %%s): the error slot holds no FW_ERR_INVALID_ARGUMENT error\n",
                   call, param);
        }
        ok = ok && slot;
    }
    if (e != NULL) {
        fw_error_free(*e);
        *e = NULL;
    }
    th_record(ok);
}

static void gen_check_ok(const char *call, const char *param, fw_result rc, fw_error **e) {
    calls++;
    bool ok = rc == FW_OK && *e == NULL;
    if (!ok) {
        printf("FAIL %%s (NULL %%s, documented as allowed): returned %%s: %%s\n", call, param,
               fw_result_name(rc), *e ? fw_error_message(*e) : "(no error)");
    }
    fw_error_free(*e);
    *e = NULL;
    th_record(ok);
}

static void gen_check_untouched(const char *func, const char *param, const char *out, bool same) {
    if (!same) {
        printf("FAIL %%s (NULL %%s): out-parameter %%s was written by a refused call\n", func, param,
               out);
    }
    th_record(same);
}

static bool fixtures_make(fixtures *f) {
    memset(f, 0, sizeof *f);
    if (!th_home_enter(&f->home)) {
        return false;
    }
    if (!th_devserver_start(&f->srv)) {
        return false;
    }
    snprintf(f->echo_url, sizeof f->echo_url, "%%s/echo", f->srv.url);
    th_join(f->dir, sizeof f->dir, f->home.dir, "secrets");
    th_join(f->file, sizeof f->file, f->home.dir, "secrets/null-test.json");
    fw_options *o = th_server_options(&f->srv, "fake_token_123");
    fw_error *err = NULL;
    bool ok = o != NULL && CHECK_OK(fw_options_set_secrets_dir(o, f->dir, &err), err) &&
              CHECK_OK(fw_client_new("minnie65_public", o, &f->client, &err), err) &&
              CHECK_OK(fw_client_auth(f->client, &f->auth, &err), err) &&
              CHECK_OK(fw_client_get(f->client, f->echo_url, &f->response, &err), err) &&
              CHECK_OK(fw_client_open(f->client, "GET", f->echo_url, NULL, 0, NULL, &f->stream, &err),
                       err);
    fw_options_free(o);
    if (ok) {
        char url[400];
        snprintf(url, sizeof url, "%%s/fault/status?code=500", f->srv.url);
        fw_response *none = NULL;
        ok = CHECK_RC(FW_ERR_HTTP_STATUS, fw_client_get(f->client, url, &none, &f->error), f->error) &&
             CHECK(f->error != NULL) && CHECK_OK(fw_options_new(&f->options, &err), err) &&
             CHECK_OK(fw_cancel_new(&f->cancel, &err), err) &&
             CHECK_OK(fw_request_options_new(&f->request_options, &err), err) &&
             CHECK_OK(fw_login_start(f->auth, NULL, NULL, NULL, &f->login, &err), err);
    }
    return ok;
}

static void fixtures_free(fixtures *f) {
    fw_login_free(f->login);
    fw_request_options_free(f->request_options);
    fw_cancel_free(f->cancel);
    fw_options_free(f->options);
    fw_error_free(f->error);
    fw_response_free(f->response);
    fw_stream_free(f->stream);
    fw_auth_free(f->auth);
    fw_client_free(f->client);
    th_devserver_stop(&f->srv);
    th_home_leave(&f->home);
}

"""

MAIN = r"""
int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    fixtures f;
    if (fixtures_make(&f)) {
%(calls)s
    }
    fixtures_free(&f);
    printf("generated NULL tests: %%d functions of %(header)s, %%lu calls; %%lu passed, %%lu failed\n",
           %(count)d, calls, th_passed, th_failed);
    return th_failed == 0 ? 0 : 1;
}
"""


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    header, out_path = argv[1], argv[2]
    with open(header, encoding="utf-8") as fh:
        text = fh.read()
    try:
        funcs = parse_header(text)
        if not funcs:
            raise GenError("no function found")
        out = []
        for func in funcs:
            emit_function(func, out)
    except GenError as e:
        sys.stderr.write(f"gen-null-tests.py: {header}: {e}\n")
        return 1
    calls = "\n".join(f"        gen_{f['name']}(&f);" for f in funcs)
    src = PRELUDE % {"header": header, "count": len(funcs)}
    src += "\n".join(out)
    src += MAIN % {"header": header, "count": len(funcs), "calls": calls}
    with open(out_path, "w", encoding="utf-8") as fh:
        fh.write(src)
    print(f"gen-null-tests.py: {len(funcs)} functions of {header} -> {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
