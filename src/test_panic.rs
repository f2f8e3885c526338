//! `fw_test_panic`: a body that panics, for the tests of the panic boundary
//! in C, C++ and Go. Compiled only with the `test-panic` feature (never in
//! a release build) and left out of the header; the tests declare
//!
//! ```c
//! fw_result fw_test_panic(fw_error **err);
//! ```

use super::boundary;
use super::fw_error::fw_error;
use super::fw_result::fw_result;

/// Panics inside the boundary: returns FW_ERR_PANIC, with an error whose
/// message says a panic was caught.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_test_panic(err: *mut *mut fw_error) -> fw_result {
    boundary::run(err, || panic!("fw_test_panic: a deliberate panic"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fw_error::{fw_error_code, fw_error_free, fw_error_message};

    #[test]
    fn a_panic_becomes_fw_err_panic_with_a_message() {
        let mut e = std::ptr::null_mut();
        // SAFETY: a valid error slot; the error is freed once.
        unsafe {
            assert_eq!(fw_test_panic(&mut e), fw_result::FW_ERR_PANIC);
            assert_eq!(fw_error_code(e), fw_result::FW_ERR_PANIC);
            let m = std::ffi::CStr::from_ptr(fw_error_message(e))
                .to_str()
                .unwrap();
            assert!(m.contains("panic was caught"), "{m}");
            fw_error_free(e);
        }
    }
}
