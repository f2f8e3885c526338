//! The one typed cast layer between opaque C handles and the Rust objects
//! behind them. Every handle is a `Box` of its inner type.

use fwclient_core::error::{Error, Result};

/// An opaque C type standing for a boxed `Inner`.
pub(crate) trait Handle: Sized {
    type Inner;
    /// The parameter name used in error messages.
    const NAME: &'static str;

    /// Gives `inner` to C.
    fn into_raw(inner: Self::Inner) -> *mut Self {
        Box::into_raw(Box::new(inner)).cast()
    }

    /// Borrows the object behind a handle parameter.
    ///
    /// # Safety
    /// `p` is NULL or a live handle of this type.
    unsafe fn arg<'a>(p: *const Self) -> Result<&'a Self::Inner> {
        if p.is_null() {
            return Err(null_arg(Self::NAME));
        }
        // SAFETY: a non-NULL handle came from `into_raw` and is live.
        Ok(unsafe { &*p.cast::<Self::Inner>() })
    }

    /// Borrows the object behind a handle parameter mutably.
    ///
    /// # Safety
    /// `p` is NULL or a live handle of this type, not used by another thread.
    unsafe fn arg_mut<'a>(p: *mut Self) -> Result<&'a mut Self::Inner> {
        if p.is_null() {
            return Err(null_arg(Self::NAME));
        }
        // SAFETY: as above, and the caller does not share it during the call.
        Ok(unsafe { &mut *p.cast::<Self::Inner>() })
    }

    /// Frees a handle; NULL is a no-op.
    ///
    /// # Safety
    /// `p` is NULL or a live handle of this type, not used afterwards.
    unsafe fn free(p: *mut Self) {
        if !p.is_null() {
            // SAFETY: it came from `into_raw` and is freed once.
            drop(unsafe { Box::from_raw(p.cast::<Self::Inner>()) });
        }
    }
}

/// The error for a NULL where a pointer is required.
pub(crate) fn null_arg(name: &str) -> Error {
    Error::invalid_argument(format!("argument `{name}` must not be NULL"))
}

/// Checks an out-parameter and returns a reference to write through.
///
/// # Safety
/// `p` is NULL or valid for writes.
pub(crate) unsafe fn out<'a, T>(p: *mut T, name: &str) -> Result<&'a mut T> {
    if p.is_null() {
        return Err(null_arg(name));
    }
    // SAFETY: non-NULL and writable, as documented for every out-parameter.
    Ok(unsafe { &mut *p })
}

/// Borrows a pointer-and-length pair as a slice: (NULL, 0) is empty, NULL
/// with a length is refused.
///
/// # Safety
/// `p` is NULL or valid for reads of `len` elements during the call.
pub(crate) unsafe fn slice_arg<'a, T>(p: *const T, len: usize, name: &str) -> Result<&'a [T]> {
    match (p.is_null(), len) {
        (_, 0) => Ok(&[]),
        (true, _) => Err(Error::invalid_argument(format!(
            "argument `{name}` must not be NULL when its length is {len}"
        ))),
        // SAFETY: non-NULL with `len` readable elements, as documented.
        (false, n) => Ok(unsafe { std::slice::from_raw_parts(p, n) }),
    }
}
