"""The client area and the addon page in headless Chromium, served by
tests/browser/run.sh: the real module entry functions (ClientArea and
clientAction), the real host and component, MariaDB and the fake HOSTKEY API."""

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
NOT_PWNED = "window.hkrmPwned === undefined ? null : window.hkrmPwned"


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


def hidden(selector):
    return f"document.querySelector({json.dumps(selector)}).classList.contains('d-none')"


def shown(selector):
    return "!" + hidden(selector)


POWER = "document.querySelector('.hkrm-power').dataset.power"
BUTTONS = ("Object.fromEntries([...document.querySelectorAll('button.hkrm-action')]"
           ".map(b => [b.dataset.op, !b.disabled]))")


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

    def open_idle(self):
        """The page with the server on and no action running."""
        b = self.browser
        b.open(PAGE)
        b.wait_for(f"{POWER} === 'on' && " + hidden(".hkrm-progress"), timeout=15,
                   what="the server is on and idle")

    def test_1_the_status_facts_and_a_hostile_server_name_show_as_text(self):
        b = self.browser
        self.open_idle()
        self.assertTrue(b.evaluate("document.querySelector('.hkrm-power').classList.contains('badge-success')"))
        self.assertNotEqual("", b.evaluate(text(".hkrm-power")).strip(), "the state has a label")
        facts = b.evaluate("Object.fromEntries([...document.querySelectorAll('.hkrm-facts tr')]"
                           ".map(r => [r.cells[0].textContent, r.cells[1].textContent]))")
        self.assertIn(SETUP["hostileName"], facts.values(), "the name is shown as the literal text")
        self.assertIsNone(b.evaluate(NOT_PWNED), "the hostile name ran no script")
        self.assertEqual(0, b.evaluate("document.querySelectorAll('.hostkeyresellermod-clientarea img,"
                                       " .hostkeyresellermod-clientarea script:not([src])').length"))
        buttons = b.evaluate(BUTTONS)
        self.assertEqual({"on", "off", "reboot", "reinstall", "refresh"}, set(buttons))
        self.assertFalse(buttons["on"], "a running server cannot be powered on")
        self.assertTrue(buttons["off"])
        self.shot("clientarea.png")

    def test_2_a_hostile_api_message_is_one_sentence_shown_as_text(self):
        b = self.browser
        self.open_idle()
        fake_api("fault", {"module": "eq", "action": "reboot", "kind": "body", "times": -1,
                           "body": json.dumps({"result": "fail", "message": HOSTILE_MESSAGE})})
        b.click('button.hkrm-action[data-op="reboot"]')
        if b.evaluate(shown(".hkrm-confirm")):
            b.click(".hkrm-confirm-yes")
        b.wait_for(shown(".hkrm-message") + " && document.querySelector('.hkrm-message')"
                   ".classList.contains('alert-danger')", timeout=15, what="the error")
        message = b.evaluate(text(".hkrm-message"))
        self.assertIn(HOSTILE_MESSAGE, message, "the API's words, as text")
        self.assertIsNone(b.evaluate(NOT_PWNED))
        self.assertEqual(0, b.evaluate("document.querySelectorAll('.hkrm-message *').length"))
        self.shot("clientarea-error.png")

    def test_3_reinstall_asks_for_an_os_and_a_password_and_refuses_a_weak_one(self):
        b = self.browser
        self.open_idle()
        b.click('button.hkrm-action[data-op="reinstall"]')
        b.wait_for(shown("form.hkrm-reinstall"), what="the reinstall form")
        self.assertGreater(b.evaluate("document.querySelector('form.hkrm-reinstall select').options.length"), 0)
        b.type_text("form.hkrm-reinstall input[name=password]", "short")
        b.click("form.hkrm-reinstall input[name=confirm]")
        self.shot("clientarea-reinstall.png")
        b.click("form.hkrm-reinstall button[type=submit]")
        b.wait_for(shown(".hkrm-message") + " && document.querySelector('.hkrm-message')"
                   ".classList.contains('alert-danger')", timeout=15, what="the refusal")
        message = b.evaluate(text(".hkrm-message"))
        # The password rule's own sentence (guest/src/orders/checkout.rs), not
        # any refusal: a missing OS or a failed call would say something else.
        self.assertEqual("The root password must be 8 to 30 characters long.", message.strip())
        self.assertEqual("on", b.evaluate(POWER), "nothing was reinstalled")

    def test_4_power_off_shows_progress_then_the_new_state_without_a_reload(self):
        b = self.browser
        self.open_idle()
        b.evaluate("window.hkrmSamePage = 'yes'")
        b.events.clear()
        b.click('button.hkrm-action[data-op="off"]')
        if b.evaluate("document.querySelector('button.hkrm-action[data-op=\"off\"]').dataset.confirm") != "":
            b.wait_for(shown(".hkrm-confirm"), what="the confirmation")
            self.shot("clientarea-confirm.png")
            b.click(".hkrm-confirm-yes")
        b.wait_for(shown(".hkrm-progress"), what="the progress indicator")
        self.assertFalse(b.evaluate(BUTTONS)["off"], "no second click while it runs")
        self.shot("clientarea-progress.png")
        b.wait_for(f"{POWER} === 'off' && " + hidden(".hkrm-progress"), timeout=20,
                   what="the server is off and the action finished")
        self.assertEqual("yes", b.evaluate("window.hkrmSamePage"), "no reload: the page's state is still there")
        self.assertEqual([], [e for e in b.events if e["method"] == "Page.frameNavigated"], "no navigation")
        self.assertTrue(b.evaluate(BUTTONS)["on"], "now it can be powered on")
        self.assertEqual("badge badge-pill hkrm-power badge-secondary", b.evaluate(
            "document.querySelector('.hkrm-power').className"), "the badge turned grey")
        self.shot("clientarea-off.png")
        # A second action at once: refused in one sentence, the state unchanged.
        b.click('button.hkrm-action[data-op="on"]')
        b.wait_for(shown(".hkrm-message") + " && document.querySelector('.hkrm-message')"
                   ".classList.contains('alert-danger')", timeout=15, what="the refusal")
        self.assertRegex(b.evaluate(text(".hkrm-message")), r"^[^<>]+\.$", "one sentence")
        self.assertEqual("off", b.evaluate(POWER))

    def test_5_the_addon_page_renders_in_the_same_browser(self):
        b = self.browser
        b.open(ADMIN)
        self.assertTrue(b.evaluate(text("main h2")).startswith("HOSTKEY Reseller"))
        self.assertTrue(b.evaluate("document.querySelectorAll('main form').length > 0"), "the admin forms")
        self.assertEqual("rgb(255, 255, 255)", b.evaluate(
            "getComputedStyle(document.querySelector('main .card')).backgroundColor"), "Bootstrap 4 is loaded")
        self.shot("addon-admin.png")

    def test_6_the_margins_view_marks_the_loss_and_lists_reasons(self):
        b = self.browser
        b.open(ADMIN)
        b.click('button[name="action"][value="margins"]')
        b.wait_for("document.querySelector('.hostkeyresellermod-margins-table') !== null", timeout=15,
                   what="the Margins view")
        rows = b.evaluate("[...document.querySelectorAll('.hostkeyresellermod-margins-table tbody tr')]"
                          ".map(r => [Number(r.dataset.service), r.dataset.under, r.className])")
        self.assertEqual(3, len(rows), rows)
        self.assertEqual([SETUP["marginUnder"], "1", "danger table-danger"], rows[0], "the loss first, marked")
        self.assertEqual([SETUP["serviceId"], "0"], rows[1][:2])
        # The ordered service's cost is the HOSTKEY invoice the module paid.
        self.assertIn("exact", b.evaluate(
            f"document.querySelector('tr[data-service=\"{SETUP['serviceId']}\"]').textContent"))
        self.assertTrue(b.evaluate(text(".hostkeyresellermod-margin-reason")).startswith("No HOSTKEY server"))
        self.assertIn("Overall", b.evaluate(text(".hostkeyresellermod-margin-totals")))
        # Bootstrap 3 (WHMCS's admin) colours .danger, Bootstrap 4 (this page) .table-danger.
        self.assertNotEqual("rgba(0, 0, 0, 0)", b.evaluate(
            "getComputedStyle(document.querySelector('tr.danger')).backgroundColor"), "the loss is coloured")
        self.assertIsNone(b.evaluate(NOT_PWNED))
        self.shot("addon-margins.png")


if __name__ == "__main__":
    unittest.main()
