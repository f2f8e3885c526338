/*
 * ProcessPrng for Wine versions without bcryptprimitives.dll (Debian 12's
 * Wine 8.0): Rust's std (1.78 and later) imports it on Windows for its
 * random numbers (HashMap keys, temporary names). Real Windows 10 and later
 * has it. `make test-windows` installs this into its private WINEPREFIX
 * only when Wine lacks the DLL; nothing of it ships.
 */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG n = len > 0x10000 ? 0x10000 : (ULONG)len;
        if (!RtlGenRandom(data, n)) {
            return FALSE;
        }
        data += n;
        len -= n;
    }
    return TRUE;
}
