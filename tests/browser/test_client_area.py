"""The client area and the addon page in headless Chromium, served by
tests/browser/run.sh (the real module, host, MariaDB and fake HOSTKEY API)."""

import json
import os
import unittest
import urllib.request

from cdp import Browser

BASE = os.environ.get("HKRM_BROWSER_URL", "")
SHOTS = os.environ.get("HKRM_SCREENSHOT_DIR", "")
SETUP = json.load(open(os.environ["HKRM_BROWSER_SETUP"])) if os.environ.get("HKRM_BROWSER_SETUP") else {}
PAGE = f"{BASE}/clientarea.php?action=productdetails&id={SETUP.get('serviceId')}"
ADMIN = f"{BASE}/admin/addonmodules.php?module=hostkeyresellermod"
HOSTILE_MESSAGE = '<script>window.hkrmPwned=3</script>Power <b>fault</b> & "more"'


def fake_api(endpoint, body):
    """POST to the fake HOSTKEY API's /_control/ (faults)."""
    port = os.environ["HOSTKEYRESELLERMOD_FAKE_API_PORT"]
    request = urllib.request.Request(f"http://127.0.0.1:{port}/_control/{endpoint}",
                                     data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as answer:
        return json.load(answer)


def text(selector):
    return f"(document.querySelector({json.dumps(selector)}) || {{}}).textContent"


class ClientAreaInChromium(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not BASE or not SETUP:
            raise RuntimeError("run this through tests/browser/run.sh (it serves the pages)")
        cls.browser = Browser()

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()

    def setUp(self):
        fake_api("fault", {"clear": True})
        self.browser.events.clear()

    def tearDown(self):
        fake_api("fault", {"clear": True})
        self.assertEqual([], self.browser.exceptions(), "no script error on the page")
        self.assertTrue(any(u.startswith(BASE + "/") for u in self.browser.requested_urls()))
        self.assertEqual([], self.browser.reached_outside(BASE), "nothing but 127.0.0.1 was reached")

    def shot(self, name):
        self.browser.screenshot(os.path.join(SHOTS, name))

    def test_the_status_and_facts_show_and_a_hostile_server_name_is_text(self):
        b = self.browser
        b.open(PAGE)
        self.assertEqual("Active", b.evaluate(text(".hostkeyresellermod-status strong")))
        facts = b.evaluate("Object.fromEntries([...document.querySelectorAll('.hostkeyresellermod-clientarea tr')]"
                           ".map(r => [r.cells[0].textContent, r.cells[1].textContent]))")
        self.assertEqual(f"#{SETUP['serverId']}", facts["Server"])
        self.assertEqual(SETUP["hostileName"], facts["Hostname"], "the name is shown as the literal text")
        self.assertIsNone(b.evaluate("window.hkrmPwned === undefined ? null : window.hkrmPwned"),
                          "the hostile name ran no script")
        self.assertEqual(0, b.evaluate("document.querySelectorAll('.hostkeyresellermod-clientarea script:not([src]),"
                                       " .hostkeyresellermod-clientarea img').length"))
        self.shot("clientarea.png")

    def test_a_hostile_api_message_is_one_sentence_shown_as_text(self):
        b = self.browser
        fake_api("fault", {"module": "eq", "action": "show", "kind": "body", "times": -1,
                           "body": json.dumps({"result": "fail", "message": HOSTILE_MESSAGE})})
        b.open(PAGE)
        message = b.evaluate(text(".hostkeyresellermod-error, .hostkeyresellermod-clientarea .alert"))
        self.assertIn(HOSTILE_MESSAGE, message)
        self.assertIsNone(b.evaluate("window.hkrmPwned === undefined ? null : window.hkrmPwned"))
        self.assertEqual(0, b.evaluate("document.querySelectorAll('.hostkeyresellermod-error b').length"))
        self.shot("clientarea-error.png")

    def test_the_addon_page_renders_in_the_same_browser(self):
        b = self.browser
        b.open(ADMIN)
        self.assertTrue(b.evaluate(text("main h2")).startswith("HOSTKEY Reseller"))
        self.assertTrue(b.evaluate("document.querySelectorAll('main form').length > 0"), "the admin forms")
        self.assertEqual("rgb(255, 255, 255)", b.evaluate(
            "getComputedStyle(document.querySelector('main .card')).backgroundColor"), "Bootstrap 4 is loaded")
        self.shot("addon-admin.png")


if __name__ == "__main__":
    unittest.main()
