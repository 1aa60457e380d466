"""What `make dist` ships: the files a WHMCS admin expects, one version
everywhere, and host binaries that need no glibc newer than 2.17.

Run after `make dist`: python3 -m unittest discover -s tests/dist
"""

import hashlib
import json
import pathlib
import stat
import struct
import subprocess
import tempfile
import tomllib
import unittest
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
ADDON = "modules/addons/hostkeyresellermod/"
SERVER = "modules/servers/hostkeyresellermod/"
GLIBC_FLOOR = "2.17"


def workspace_version():
    with open(ROOT / "Cargo.toml", "rb") as f:
        return tomllib.load(f)["workspace"]["package"]["version"]


class ZipTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.version = workspace_version()
        cls.path = ROOT / "build" / f"hostkeyresellermod-{cls.version}.zip"
        if not cls.path.is_file():
            raise AssertionError(f"{cls.path.name} is missing: run `make dist` first.")
        cls.zip = zipfile.ZipFile(cls.path)
        cls.names = set(cls.zip.namelist())

    @classmethod
    def tearDownClass(cls):
        cls.zip.close()

    def test_the_zip_holds_what_an_admin_expects(self):
        expected = [
            ADDON + "whmcs.json", ADDON + "facts.json", ADDON + "grants.json", ADDON + "logo.png", ADDON + "lang/english.php",
            ADDON + "docs/install.md", ADDON + "docs/admin-guide.md", ADDON + "import.ini.example",
            ADDON + "LICENSE", ADDON + "CHANGELOG.md", ADDON + "README.md",
            ADDON + "hostkeyresellermod.php", ADDON + "cron.php", ADDON + "floor.php",
            ADDON + "bin/hostkey_guest.wasm", ADDON + "bin/hostkey_host.h",
            ADDON + "bin/x86_64/hostkey-host", ADDON + "bin/x86_64/libhostkey_host.so",
            SERVER + "whmcs.json", SERVER + "logo.png", SERVER + "hostkeyresellermod.php",
            SERVER + "templates/clientarea.tpl", SERVER + "templates/error.tpl", SERVER + "templates/js/clientarea.js",
            "includes/hooks/hostkeyresellermod.php",
            "modules/gateways/callback/hostkeyresellermod.php",
        ]
        missing = [name for name in expected if name not in self.names]
        self.assertEqual([], missing)

    def test_the_host_is_shipped_once_per_processor_and_not_flat(self):
        self.assertNotIn(ADDON + "bin/hostkey-host", self.names)
        self.assertNotIn(ADDON + "bin/libhostkey_host.so", self.names)

    def test_wasmtime_is_shipped_once_the_cli_is_a_launcher(self):
        cli = self.zip.getinfo(ADDON + "bin/x86_64/hostkey-host").file_size
        library = self.zip.getinfo(ADDON + "bin/x86_64/libhostkey_host.so").file_size
        self.assertLess(cli, 1024 * 1024, "the CLI loads libhostkey_host.so instead of carrying wasmtime")
        self.assertGreater(library, 10 * 1024 * 1024)

    def test_the_cli_keeps_its_exec_bit(self):
        mode = self.zip.getinfo(ADDON + "bin/x86_64/hostkey-host").external_attr >> 16
        self.assertTrue(mode & stat.S_IXUSR, oct(mode))

    def test_the_native_files_carry_their_release_digests(self):
        # PHP checks a copy of them against these before running it (NativeFiles.php).
        for name in ("hostkey-host", "libhostkey_host.so"):
            recorded = self.zip.read(ADDON + f"bin/x86_64/{name}.sha256").decode().split()[0]
            actual = hashlib.sha256(self.zip.read(ADDON + f"bin/x86_64/{name}")).hexdigest()
            self.assertEqual(actual, recorded, name)

    def test_every_version_is_the_workspace_version(self):
        self.assertRegex(self.version, r"^\d+\.\d+\.\d+$")
        self.assertEqual(f"hostkeyresellermod-{self.version}.zip", self.path.name)
        for folder, kind in ((ADDON, "whmcs-addons"), (SERVER, "whmcs-servers")):
            meta = json.loads(self.zip.read(folder + "whmcs.json"))
            self.assertEqual(self.version, meta["version"], folder)
            self.assertEqual(kind, meta["type"])
            self.assertEqual("1.0", meta["schema"])
            facts = json.loads(self.zip.read(ADDON + "facts.json"))["module"]
            self.assertEqual(facts["name"], meta["name"])
            self.assertEqual(facts["display_name"], meta["description"]["name"])
            self.assertTrue(folder.endswith(f"/{meta['name']}/"), "WHMCS finds a module by its folder")
            self.assertEqual(">=8.1", meta["requirements"]["php"])
            self.assertEqual(">=" + GLIBC_FLOOR, meta["requirements"]["glibc"])
            self.assertIn(folder + meta["logo"]["filename"], self.names)
        changelog = self.zip.read(ADDON + "CHANGELOG.md").decode()
        self.assertIn(f"## {self.version}", changelog)

    def test_the_admin_guide_covers_settings_pricing_and_troubleshooting(self):
        guide = self.zip.read(ADDON + "docs/admin-guide.md").decode()
        for topic in ("## Settings", "## Preview and import", "## Pricing rules", "Worked example",
                      "## import.ini", "## Troubleshooting", "chmod 755", "needs PHP 8.1 or newer"):
            self.assertIn(topic, guide)

    def test_the_import_ini_example_is_not_active_and_uses_the_public_layout(self):
        self.assertNotIn(ADDON + "import.ini", self.names, "an import.ini would override the admin's settings")
        example = self.zip.read(ADDON + "import.ini.example").decode()
        for line in ("[general]", "[markup]", "round = 0.25", "vps = 15 %"):
            self.assertIn(line, example)

    def test_the_logo_is_a_png_at_most_500_pixels_wide(self):
        logo = self.zip.read(ADDON + "logo.png")
        self.assertEqual(b"\x89PNG\r\n\x1a\n", logo[:8])
        width, height = struct.unpack(">II", logo[16:24])
        self.assertTrue(0 < width <= 500 and height > 0, (width, height))

    def test_the_install_notes_cover_what_an_admin_does(self):
        notes = self.zip.read(ADDON + "docs/install.md").decode()
        for topic in ("## Requirements", "PHP 8.1", "glibc 2.17", "## Upload", "chmod 755",
                      "## Activate", "## Cron", "cron.php", "## FFI", "HostkeyResellerMod"):
            self.assertIn(topic, notes)

    def test_no_shipped_binary_needs_a_glibc_above_the_floor(self):
        with tempfile.TemporaryDirectory() as tmp:
            for name in self.names:
                # A .cwasm is ELF too, but links nothing: the host maps it.
                if name.startswith(ADDON + "bin/") and not name.endswith(("/", ".cwasm")):
                    self.zip.extract(name, tmp)
            run = subprocess.run(
                ["bash", str(ROOT / "scripts/check-glibc.sh"), tmp, GLIBC_FLOOR],
                capture_output=True, text=True, check=False,
            )
        print(run.stdout, end="")
        self.assertEqual(0, run.returncode, run.stdout + run.stderr)
        self.assertEqual(2, run.stdout.count("ok: "), run.stdout)

    def test_the_shipped_cli_runs_from_the_unpacked_zip(self):
        with tempfile.TemporaryDirectory() as tmp:
            self.zip.extractall(tmp)
            addon = pathlib.Path(tmp) / ADDON
            cli = addon / "bin/x86_64/hostkey-host"
            cli.chmod(0o755)  # zipfile drops the mode bits the zip keeps (checked above)
            run = subprocess.run(
                [str(cli), "precompile", str(addon / "bin/hostkey_guest.wasm")],
                capture_output=True, text=True, check=False,
            )
            self.assertEqual(0, run.returncode, run.stderr)
            self.assertIn("is a valid precompiled", run.stdout)
            self.assertEqual(1, len(list((addon / "bin").glob("hostkey_guest.*.cwasm"))))

    def test_the_precompiled_component_ships_with_its_release_digest(self):
        cwasm = [n for n in self.names if n.startswith(ADDON + "bin/") and n.endswith(".cwasm")]
        self.assertEqual(1, len(cwasm), cwasm)
        self.assertRegex(cwasm[0], r"bin/hostkey_guest\.[0-9a-f]{16}\.cwasm$")
        recorded = self.zip.read(cwasm[0] + ".sha256").decode().split()[0]
        self.assertEqual(hashlib.sha256(self.zip.read(cwasm[0])).hexdigest(), recorded)

    def test_no_secret_or_stamp_of_the_build_machine_ships(self):
        # The host makes both beside the component when it checks it (engine/stamp.rs).
        leaked = [n for n in self.names if n.endswith(("cwasm.key", ".stamp")) or ".tmp" in n]
        self.assertEqual([], leaked)


if __name__ == "__main__":
    unittest.main()
