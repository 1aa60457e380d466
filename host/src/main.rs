//! `hostkey-host`: a small launcher. The program itself (the process
//! transport and `precompile`, `ffi/cli.rs`) lives in `libhostkey_host.so`
//! beside this file, so the zip carries wasmtime once (docs/decisions.md,
//! "One wasmtime in the zip").

use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::process::ExitCode;

const LIBRARY: &str = "libhostkey_host.so";
const ENTRY: &CStr = c"hk_cli_main";
const RTLD_NOW: c_int = 2;

type CliMain = unsafe extern "C" fn(*const *const c_char, usize) -> i32;

#[link(name = "dl")]
unsafe extern "C" {
    fn dlopen(filename: *const c_char, flag: c_int) -> *mut c_void;
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
    fn dlerror() -> *const c_char;
}

fn last_dl_error() -> String {
    // SAFETY: dlerror returns NULL or a NUL-terminated string owned by libdl.
    let message = unsafe { dlerror() };
    if message.is_null() {
        "unknown error".into()
    } else {
        // SAFETY: see above.
        unsafe { CStr::from_ptr(message) }
            .to_string_lossy()
            .into_owned()
    }
}

fn launch() -> Result<i32, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find itself: {e}"))?;
    let library = exe.with_file_name(LIBRARY);
    let path = CString::new(library.as_os_str().as_encoded_bytes())
        .map_err(|_| format!("{} is not a usable path", library.display()))?;
    // SAFETY: a NUL-terminated path; the library's initialisers are Rust's own.
    let handle = unsafe { dlopen(path.as_ptr(), RTLD_NOW) };
    if handle.is_null() {
        return Err(format!(
            "{} cannot be loaded ({}); upload bin/ again",
            library.display(),
            last_dl_error()
        ));
    }
    // SAFETY: a valid handle and a NUL-terminated name.
    let entry = unsafe { dlsym(handle, ENTRY.as_ptr()) };
    if entry.is_null() {
        return Err(format!(
            "{} has no {}: it belongs to another version",
            library.display(),
            ENTRY.to_string_lossy()
        ));
    }
    // SAFETY: hk_cli_main has this signature (ffi/cli.rs).
    let entry: CliMain = unsafe { std::mem::transmute::<*mut c_void, CliMain>(entry) };
    let args: Vec<CString> = std::env::args_os()
        .skip(1)
        .map(|a| CString::new(a.as_encoded_bytes()).unwrap_or_default())
        .collect();
    let pointers: Vec<*const c_char> = args.iter().map(|a| a.as_ptr()).collect();
    // SAFETY: `pointers` holds `len` NUL-terminated strings that outlive the call.
    Ok(unsafe { entry(pointers.as_ptr(), pointers.len()) })
}

fn main() -> ExitCode {
    match launch() {
        Ok(0) => ExitCode::SUCCESS,
        Ok(status) => ExitCode::from(u8::try_from(status).unwrap_or(1)),
        Err(message) => {
            eprintln!("hostkey-host: {message}");
            ExitCode::FAILURE
        }
    }
}
