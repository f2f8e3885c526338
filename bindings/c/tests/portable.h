/*
 * What the C tests need from the system, on Unix and on Windows (mingw,
 * run under Wine by `make test-windows`): environment variables, the
 * variable the home directory comes from, the path separator, mkdir.
 */
#ifndef FW_TEST_PORTABLE_H
#define FW_TEST_PORTABLE_H

#include <stdlib.h>

#ifdef _WIN32
#include <direct.h>
/* The CRT's _putenv_s also sets the process environment, where the
 * library reads it; an empty value removes the variable. */
#define setenv(name, value, overwrite) _putenv_s((name), (value))
#define unsetenv(name) _putenv_s((name), "")
#define th_mkdir(path, mode) _mkdir(path)
/* What Python's os.path.expanduser reads on Windows, as the library does. */
#define TH_HOME_VAR "USERPROFILE"
#define TH_SEP "\\"
#else
#include <sys/stat.h>
#define th_mkdir(path, mode) mkdir((path), (mode))
#define TH_HOME_VAR "HOME"
#define TH_SEP "/"
#endif

#endif /* FW_TEST_PORTABLE_H */
