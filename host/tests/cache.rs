//! The `.cwasm` cache: keyed by the component's content, and `hostkey-host
//! precompile` says what it did (or could not do).

mod support;

use hostkey_host::engine::{Folder, KEY_FILE, Seal, Trust, cwasm_path, engine, load_uncached};
use hostkey_host::{Runtime, RuntimeOptions};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

/// A fresh folder holding a copy of the shipped component.
fn folder_with_component(name: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("hk-cache-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp folder");
    let wasm = dir.join("hostkey_guest.wasm");
    std::fs::copy(support::shipped(), &wasm).expect("copy of the component");
    (dir, wasm)
}

fn precompile(wasm: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hostkey-host"))
        .arg("precompile")
        .arg(wasm)
        .output()
        .expect("hostkey-host runs")
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .expect("a file name")
        .to_string()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_key_follows_the_content_not_the_modification_time() {
    let (dir, wasm) = folder_with_component("key");
    let key = cwasm_path(engine(), &wasm, None).expect("key");
    let file = std::fs::File::options()
        .write(true)
        .open(&wasm)
        .expect("open");
    file.set_modified(SystemTime::now() + Duration::from_secs(3600))
        .expect("touch");
    drop(file);
    assert_eq!(key, cwasm_path(engine(), &wasm, None).expect("key"));
    let mut bytes = std::fs::read(&wasm).expect("read");
    bytes.push(0);
    std::fs::write(&wasm, bytes).expect("write");
    assert_ne!(key, cwasm_path(engine(), &wasm, None).expect("key"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn precompile_writes_the_cache_then_verifies_it() {
    let (dir, wasm) = folder_with_component("write");
    let cwasm = cwasm_path(engine(), &wasm, None).expect("key");
    let first = precompile(&wasm);
    assert!(first.status.success(), "{first:?}");
    assert!(
        stdout(&first).contains(&format!("is now precompiled to {}", cwasm.display())),
        "{first:?}"
    );
    assert!(cwasm.is_file());
    let second = precompile(&wasm);
    assert!(second.status.success(), "{second:?}");
    assert!(
        stdout(&second).contains(&format!("{} is a valid precompiled", cwasm.display())),
        "{second:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn precompile_fails_with_a_sentence_when_it_cannot_write() {
    let (dir, wasm) = folder_with_component("unwritable");
    // A folder where the cache file belongs: no rename can replace it, even as root.
    let cwasm = cwasm_path(engine(), &wasm, None).expect("key");
    std::fs::create_dir(&cwasm).expect("blocking folder");
    let output = precompile(&wasm);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{output:?}");
    assert!(stdout(&output).is_empty(), "{output:?}");
    assert!(
        stderr.contains("cannot be written") && stderr.contains("will compile it again"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_cache_folder_given_by_the_embedder_holds_the_cache() {
    let (dir, wasm) = folder_with_component("folder");
    let cache = private_folder(&dir);
    let mut options = RuntimeOptions::for_component(&wasm);
    options.cache_dir = Some(cache.clone());
    let runtime = Runtime::new(options).expect("runtime");
    assert_eq!(Some(cache.as_path()), runtime.cache_file().parent());
    assert!(runtime.cache_file().is_file());
    assert_eq!(None, runtime.cache_error());
    let beside = cwasm_path(engine(), &wasm, None).expect("key");
    assert!(!beside.exists(), "nothing is written beside the component");
    let _ = std::fs::remove_dir_all(dir);
}

/// Flips one byte in the middle of a file.
fn flip_a_byte(file: &Path) {
    let mut bytes = std::fs::read(file).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(file, bytes).expect("write");
}

fn private_folder(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let cache = dir.join("private");
    std::fs::create_dir(&cache).expect("cache folder");
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o700)).expect("0700");
    cache
}

#[test]
fn a_shipped_cwasm_with_a_flipped_byte_is_refused_and_compiled_again() {
    let (dir, wasm) = folder_with_component("flipped");
    assert!(precompile(&wasm).status.success());
    let shipped = cwasm_path(engine(), &wasm, None).expect("key");
    assert!(
        Seal::Release.digest_path(&shipped).is_file(),
        "precompile records the digest"
    );
    let trusted = load_uncached(&wasm, None).expect("load");
    assert!(
        trusted.from_cache && trusted.refused.is_empty(),
        "{:?}",
        trusted.refused
    );

    flip_a_byte(&shipped);
    let fresh = load_uncached(&wasm, None).expect("load");
    assert!(!fresh.from_cache);
    assert!(fresh.compile_ms > 0);
    assert_eq!(1, fresh.refused.len(), "{:?}", fresh.refused);
    assert!(
        fresh.refused[0].contains("does not match its digest"),
        "{:?}",
        fresh.refused
    );
    // The compile replaced it, sealed again: the next process loads it.
    let again = load_uncached(&wasm, None).expect("load");
    assert!(
        again.from_cache && again.refused.is_empty(),
        "{:?}",
        again.refused
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_cwasm_without_its_digest_is_not_loaded() {
    let (dir, wasm) = folder_with_component("undigested");
    assert!(precompile(&wasm).status.success());
    let shipped = cwasm_path(engine(), &wasm, None).expect("key");
    std::fs::remove_file(Seal::Release.digest_path(&shipped)).expect("remove digest");
    let loaded = load_uncached(&wasm, None).expect("load");
    assert!(!loaded.from_cache);
    assert!(
        loaded.refused[0].contains("has no digest"),
        "{:?}",
        loaded.refused
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_cwasm_planted_in_the_cache_folder_is_refused_and_compiled_again() {
    let (dir, wasm) = folder_with_component("planted");
    let cache = private_folder(&dir);
    let first = load_uncached(&wasm, Some(&cache)).expect("load");
    assert!(
        !first.from_cache && first.cache_error.is_none(),
        "{:?}",
        first.cache_error
    );
    let key = std::fs::metadata(cache.join(KEY_FILE)).expect("the secret was made");
    assert_eq!(
        0o600,
        std::os::unix::fs::PermissionsExt::mode(&key.permissions()) & 0o777
    );
    let cwasm = cwasm_path(engine(), &wasm, Some(&cache)).expect("key");
    assert!(load_uncached(&wasm, Some(&cache)).expect("load").from_cache);

    // Someone else's file under the same name, with a digest made without the secret.
    let sealed = std::fs::read(&cwasm).expect("read");
    let mut planted = sealed.clone();
    let middle = planted.len() / 2;
    planted[middle] ^= 0x40;
    std::fs::write(&cwasm, &planted).expect("plant");
    let release = Seal::Release.digest_path(&cwasm);
    let folder = Folder::open(&cache, Trust::Private).expect("the cache folder");
    Seal::Release
        .record(&folder, &file_name(&cwasm), &planted)
        .expect("a public digest");
    std::fs::rename(&release, Seal::Keyed(Vec::new()).digest_path(&cwasm)).expect("as hmac");
    let refused = load_uncached(&wasm, Some(&cache)).expect("load");
    assert!(!refused.from_cache);
    assert!(
        refused.refused[0].contains("changed or planted"),
        "{:?}",
        refused.refused
    );
    assert_eq!(sealed.len(), std::fs::read(&cwasm).expect("read").len());
    assert!(load_uncached(&wasm, Some(&cache)).expect("load").from_cache);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_secret_others_can_read_turns_the_cache_off_with_a_reason() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, wasm) = folder_with_component("shared-key");
    let cache = private_folder(&dir);
    std::fs::write(cache.join(KEY_FILE), [7u8; 32]).expect("key");
    std::fs::set_permissions(cache.join(KEY_FILE), std::fs::Permissions::from_mode(0o644))
        .expect("chmod");
    let loaded = load_uncached(&wasm, Some(&cache)).expect("load");
    assert!(!loaded.from_cache);
    let problem = loaded.cache_error.expect("a reason");
    assert!(problem.contains("is not a private file"), "{problem}");
    assert!(
        !cwasm_path(engine(), &wasm, Some(&cache))
            .expect("key")
            .exists()
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Files (any kind) in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_cache_folder_swapped_for_a_symlink_while_open_writes_nothing_outside() {
    use std::os::unix::fs::symlink;
    let (dir, _wasm) = folder_with_component("swapped");
    let cache = private_folder(&dir);
    let outside = dir.join("outside");
    std::fs::create_dir(&outside).expect("outside folder");
    let folder = Folder::open(&cache, Trust::Private).expect("the cache folder");

    // The swap an attacker with a writable, non-sticky parent could make
    // during a compile: the checked folder moves away, a symlink takes its name.
    let moved = dir.join("private.moved");
    std::fs::rename(&cache, &moved).expect("move the folder");
    symlink(&outside, &cache).expect("symlink in its place");

    folder
        .replace("x.cwasm", b"native code", 0o600)
        .expect("written");
    Seal::Release
        .record(&folder, "x.cwasm", b"native code")
        .expect("digest written");
    assert!(
        folder
            .create_once("cwasm.key", &[1u8; 32], 0o600)
            .expect("key")
    );
    assert_eq!(Vec::<String>::new(), listing(&outside), "nothing outside");
    assert_eq!(
        vec!["cwasm.key", "x.cwasm", "x.cwasm.sha256"],
        listing(&moved),
        "everything in the folder that was checked"
    );

    // A new process meets the symlink itself: refused, with a reason.
    assert!(
        Folder::open(&cache, Trust::Private)
            .err()
            .expect("refused")
            .contains("is not a real folder")
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_symlinked_cache_folder_is_not_used_and_nothing_lands_where_it_points() {
    use std::os::unix::fs::symlink;
    let (dir, wasm) = folder_with_component("symlinked");
    let outside = private_folder(&dir);
    let cache = dir.join("cache-link");
    symlink(&outside, &cache).expect("symlink");
    let loaded = load_uncached(&wasm, Some(&cache)).expect("load");
    assert!(!loaded.from_cache);
    let problem = loaded.cache_error.expect("a reason");
    assert!(problem.contains("is not a real folder"), "{problem}");
    assert_eq!(Vec::<String>::new(), listing(&outside));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_symlink_planted_under_a_cache_file_name_is_replaced_not_followed() {
    use std::os::unix::fs::symlink;
    let (dir, _wasm) = folder_with_component("planted-link");
    let cache = private_folder(&dir);
    let victim = dir.join("victim");
    std::fs::write(&victim, b"the victim's bytes").expect("victim");
    symlink(&victim, cache.join("x.cwasm")).expect("planted name");
    symlink(
        &victim,
        cache.join(format!("x.cwasm.tmp{}", std::process::id())),
    )
    .expect("planted temporary name");
    let folder = Folder::open(&cache, Trust::Private).expect("the cache folder");
    folder
        .replace("x.cwasm", b"native code", 0o600)
        .expect("written");
    assert_eq!(
        b"the victim's bytes".to_vec(),
        std::fs::read(&victim).expect("read")
    );
    let written = std::fs::symlink_metadata(cache.join("x.cwasm")).expect("stat");
    assert!(
        written.file_type().is_file(),
        "the symlink itself was replaced"
    );
    // A key planted as a symlink is not read through.
    symlink(&victim, cache.join(KEY_FILE)).expect("planted key");
    let (_, wasm) = folder_with_component("planted-link-key");
    let loaded = load_uncached(&wasm, Some(&cache)).expect("load");
    let problem = loaded.cache_error.expect("a reason");
    assert!(
        problem.contains("cannot be read as a plain file"),
        "{problem}"
    );
    assert_eq!(
        b"the victim's bytes".to_vec(),
        std::fs::read(&victim).expect("read")
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_cache_folder_others_can_enter_is_not_used() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, wasm) = folder_with_component("shared-folder");
    let cache = private_folder(&dir);
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o755)).expect("0755");
    let loaded = load_uncached(&wasm, Some(&cache)).expect("load");
    let problem = loaded.cache_error.expect("a reason");
    assert!(problem.contains("is not private to this user"), "{problem}");
    assert_eq!(Vec::<String>::new(), listing(&cache));
    let _ = std::fs::remove_dir_all(dir);
}

/// Past the stamp's settling time (a file changed within it is checked
/// fully again, engine.rs `SETTLED`).
fn settle() {
    std::thread::sleep(Duration::from_millis(1100));
}

#[test]
fn a_stamp_stands_for_the_full_check_until_a_file_changes() {
    for cache_dir in [false, true] {
        let (dir, wasm) = folder_with_component(if cache_dir { "stamp-cache" } else { "stamp" });
        let cache = cache_dir.then(|| private_folder(&dir));
        let cache = cache.as_deref();
        let first = load_uncached(&wasm, cache).expect("load");
        assert!(
            !first.from_cache && first.cache_error.is_none(),
            "{:?}",
            first.cache_error
        );
        settle();
        let checked = load_uncached(&wasm, cache).expect("load");
        assert!(
            checked.from_cache && !checked.checked_by_stamp,
            "the first load checks fully"
        );
        let stamped = load_uncached(&wasm, cache).expect("load");
        assert!(
            stamped.from_cache && stamped.checked_by_stamp,
            "the next one trusts the stamp: {:?}",
            stamped.refused
        );

        // The .cwasm changed in place (same size): checked fully, refused, compiled again.
        flip_a_byte(&stamped.cwasm);
        let changed = load_uncached(&wasm, cache).expect("load");
        assert!(!changed.from_cache && !changed.checked_by_stamp);
        assert!(
            changed
                .refused
                .iter()
                .any(|r| r.contains("does not match its digest")),
            "{:?}",
            changed.refused
        );

        // A new component under the same name: its own .cwasm, never the stamped one.
        settle();
        assert!(load_uncached(&wasm, cache).expect("load").from_cache);
        assert!(load_uncached(&wasm, cache).expect("load").checked_by_stamp);
        let mut bytes = std::fs::read(&wasm).expect("read");
        // A custom section (id 0, 5 bytes: the name "note"): still a valid component.
        bytes.extend_from_slice(&[0, 5, 4, b'n', b'o', b't', b'e']);
        std::fs::write(&wasm, &bytes).expect("write");
        let renewed = load_uncached(&wasm, cache).expect("load");
        assert!(!renewed.checked_by_stamp);
        assert_ne!(changed.cwasm, renewed.cwasm);
        let _ = std::fs::remove_dir_all(dir);
    }
}
