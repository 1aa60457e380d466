"""Tests for the fake HOSTKEY API server.

    python3 -m unittest discover -s tests/fake_hostkey_api -v
"""

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from urllib.parse import urlencode

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from phpform import mask, parse_qs_php  # noqa: E402

KEY = "hk-test-key-0123456789abcdef0123"
EMPTY_KEY = "hk-empty-key-0000000000000000000"
ROOT_PASS = "Abcdef12-secret"


def start_server(tmpdir, extra=()):
    port_file = os.path.join(tmpdir, "port")
    stderr = open(os.path.join(tmpdir, "stderr.log"), "w+b")
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "server.py"), "--port", "0",
                             "--port-file", port_file, *extra],
                            stdout=subprocess.DEVNULL, stderr=stderr)
    deadline = time.time() + 10
    while not os.path.exists(port_file):
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            raise RuntimeError("fake server did not start")
        time.sleep(0.02)
    with open(port_file) as f:
        return proc, int(f.read().strip()), port_file, stderr


class FakeServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.proc, cls.port, cls.port_file, cls.stderr = start_server(cls.tmp.name)
        cls.base = f"http://127.0.0.1:{cls.port}"

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGTERM)
        cls.proc.wait(timeout=10)
        cls.stderr.close()
        cls.tmp.cleanup()

    def setUp(self):
        self.control("reset", {})

    # ---- helpers ----
    def raw(self, path, body=None, query=None, timeout=10):
        url = self.base + path + ("?" + (query if isinstance(query, str) else urlencode(query))
                                  if query else "")
        data = None
        if body is not None:
            data = (body if isinstance(body, str) else urlencode(body)).encode()
        req = urllib.request.Request(url, data=data)
        if data is not None:
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()

    def api(self, path, body=None, query=None):
        status, data = self.raw(path, body, query)
        self.assertEqual(status, 200)
        return json.loads(data)

    def control(self, name, payload=None):
        data = None if payload is None else json.dumps(payload).encode()
        req = urllib.request.Request(f"{self.base}/_control/{name}", data=data,
                                     method="GET" if payload is None else "POST")
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def login(self, key=KEY):
        answer = self.api("/auth.php", query={"action": "login", "key": key})
        return answer["result"]["token"]

    def order(self, token, **over):
        params = {"action": "order_instance", "token": token, "preset": "vm.nano",
                  "location_name": "NL", "os_id": "187", "os_name": "Ubuntu 22.04",
                  "root_pass": ROOT_PASS, "hostname": "web1.example.test",
                  "deploy_period": "monthly", "traffic_plan": "25", "deploy_notify": "1",
                  "email": "reseller@example.test", "currency_code": "EUR",
                  "post_install_callback": "https://whmcs.test/cb.php?hosting=7"}
        params.update(over)
        return self.api("/eq.php", params)

    # ---- process / transport ----
    def test_listens_on_loopback_only(self):
        if not os.path.exists("/proc/net/tcp"):
            self.skipTest("no /proc/net/tcp")
        with open("/proc/net/tcp") as f:
            rows = [line.split() for line in f.readlines()[1:]]
        listening = [r[1] for r in rows if r[3] == "0A" and int(r[1].split(":")[1], 16) == self.port]
        self.assertEqual(listening, [f"0100007F:{self.port:04X}"])

    def test_unknown_module_and_action(self):
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            self.raw("/nothing.php", {"action": "x"})
        self.assertEqual(ctx.exception.code, 404)
        answer = self.api("/eq.php", {"action": "no_such_action", "token": "x"})
        self.assertEqual(answer["code"], -1)

    # ---- auth ----
    def test_login_ok_nested_token(self):
        answer = self.api("/auth.php", query={"action": "login", "key": KEY})
        result = answer["result"]
        self.assertRegex(result["token"], r"^[0-9a-f]{32}$")
        self.assertEqual(result["servers"], ["40001"])
        self.assertEqual(result["invapi"], "invapi.hostkey.com")
        self.assertEqual(result["role"], "Customer")
        self.assertGreater(result["token_expire"], time.time() + 3600)

    def test_login_post_under_path_prefix(self):
        answer = self.api("/api/v1/auth.php", {"action": "login", "key": KEY, "ttl": "120"})
        self.assertRegex(answer["result"]["token"], r"^[0-9a-f]{32}$")
        self.assertLessEqual(answer["result"]["token_expire"], time.time() + 121)

    def test_login_bad_key(self):
        answer = self.api("/auth.php", query={"action": "login", "key": "hk-wrong"})
        self.assertEqual(answer, {"result": -1, "error": "Invalid API key", "code": "INVALID_KEY"})

    def test_login_empty_account(self):
        answer = self.api("/auth.php", query={"action": "login", "key": EMPTY_KEY})
        self.assertEqual(answer["result"], -1)
        self.assertEqual(answer["code"], "NO_APPROPRIATE_SERVERS")

    def test_invalid_and_expired_token(self):
        self.assertEqual(self.api("/whmcs.php", {"action": "get_client", "token": "0" * 32}),
                         {"code": -2, "message": "Invalid token"})
        token = self.login()
        self.assertEqual(self.control("expire_tokens", {})["expired"], 1)
        self.assertEqual(self.api("/whmcs.php", {"action": "get_client", "token": token}),
                         {"code": -2, "message": "Invalid token"})

    # ---- whmcs ----
    def test_get_client_success_envelope(self):
        answer = self.api("/whmcs.php", {"action": "get_client", "token": self.login()})
        self.assertEqual(answer["result"], "success")
        client = answer["client"]
        self.assertEqual(client["email"], "reseller@example.test")
        self.assertEqual(client["currency_code"], "EUR")
        self.assertEqual(client["credit"], "1000.00")
        for field in ("id", "firstname", "lastname", "companyname"):
            self.assertIn(field, client)

    # ---- presets ----
    def test_presets_info_without_token(self):
        answer = self.api("/presets.php", {"currencies": "EUR"}, query={"action": "info"})
        self.assertEqual(answer["result"], "OK")
        presets = {p["name"]: p for p in answer["presets"]}
        prefixes = {n.split(".")[0] for n in presets}
        self.assertTrue({"vm", "vds", "bm", "gpu", "stor"} <= prefixes)
        nano = presets["vm.nano"]
        self.assertEqual(nano["price"], {"NL": {"EUR": 4.0}, "FI": {"EUR": 4.5}, "RU": {"EUR": 3.5}})
        self.assertEqual(set(nano["traffic_plans"]), {"NL", "FI", "RU"})
        self.assertTrue(all(set(o["price"]) == {"EUR"} for o in nano["OS"]))
        self.assertTrue(nano["soft"])
        self.assertEqual([p["name"] for p in answer["presets"] if not p["active"]], ["vgpu.a4000-old"])
        self.assertEqual([p["name"] for p in answer["presets"] if not p["price"]], ["vm.xl-soon"])
        usd = self.api("/presets.php", {"currencies": "USD"}, query={"action": "info"})
        self.assertEqual(usd["presets"][0]["price"]["NL"], {"USD": 4.4})

    def test_action_from_query_or_body(self):
        body_only = self.api("/presets.php", {"action": "info", "currencies": "EUR"})
        self.assertEqual(body_only["result"], "OK")
        # PHP $_REQUEST (request_order "GP"): the body wins over the query string.
        both = self.api("/presets.php", {"action": "list"}, query={"action": "info"})
        self.assertEqual(both["action"], "list")

    # ---- request parsing ----
    def test_bracket_key_parsing_unit(self):
        parsed = parse_qs_php("action=add&params%5Bserver_id%5D=101&params%5Bname%5D=A+b"
                              "&ips[]=1.2.3.4&ips[]=5.6.7.8&params[content][]=x&a.b=1&empty=")
        self.assertEqual(parsed, {"action": "add", "params": {"server_id": "101", "name": "A b",
                                                             "content": ["x"]},
                                  "ips": ["1.2.3.4", "5.6.7.8"], "a_b": "1", "empty": ""})
        self.assertEqual(mask({"key": "k", "params": {"token": "t", "root_pass": "p", "x": 1}}),
                         {"key": "***", "params": {"token": "***", "root_pass": "***", "x": 1}})

    def test_bracket_key_parsing_over_http(self):
        token = self.login()
        self.api("/api_keys.php", "action=list_for_server&token=" + token +
                 "&params%5Bserver_id%5D=40001&ips%5B%5D=a&ips%5B%5D=b")
        call = self.control("calls")["calls"][-1]
        self.assertEqual(call["params"], {"action": "list_for_server", "token": "***",
                                          "params": {"server_id": "40001"}, "ips": ["a", "b"]})

    # ---- orders, invoices, servers ----
    def test_order_creates_server_and_invoice_paid_from_credit(self):
        token = self.login()
        answer = self.order(token, deploy_period="quarterly", soft_id="20", soft_name="WordPress")
        self.assertEqual(answer["result"], "OK")
        self.assertEqual(answer["status"], "Paid")
        self.assertRegex(answer["callback"], r"^[0-9a-f]{32}$")
        invoice = self.api("/whmcs.php", {"action": "get_invoice", "token": token,
                                          "invoice_id": str(answer["invoice"]), "location": "NL"})
        self.assertEqual(invoice["result"], "OK")
        self.assertEqual((invoice["total"], invoice["status"]), ("12.00", "Paid"))
        item = invoice["items"]["item"][0]
        state = self.control("state")
        server = [s for s in state["servers"] if str(s["id"]) == item["inv_id"]][0]
        self.assertEqual((server["preset"], server["location"], server["Condition_Component"]),
                         ("vm.nano", "NL", "rent"))
        self.assertEqual(item["relid"], str(server["account_id"]))
        self.assertEqual(state["accounts"][KEY]["client"]["credit"], "988.00")
        self.assertEqual(len(state["orders"]), 1)
        self.assertEqual(state["orders"][0]["params"]["root_pass"], "***")
        self.assertNotIn(ROOT_PASS, json.dumps(state))
        # apply_credit on a paid invoice is refused; get_product_invoice lists it
        again = self.api("/whmcs.php", {"action": "apply_credit", "token": token,
                                        "invoice_id": str(answer["invoice"]), "amount": "12.00"})
        self.assertEqual(again["code"], -1)
        listed = self.api("/whmcs.php", {"action": "get_product_invoice", "token": token,
                                         "product": item["relid"], "location": "NL"})
        self.assertEqual([i["invoiceid"] for i in listed["invoices"]], [answer["invoice"]])
        related = self.api("/whmcs.php", {"action": "get_related_invoices", "token": token,
                                          "id": item["inv_id"]})
        self.assertEqual([(i["id"], i["status"]) for i in related["invoices"]],
                         [(answer["invoice"], "Paid")])
        other = self.api("/whmcs.php", {"action": "get_related_invoices", "token": token,
                                        "id": "1"})
        self.assertEqual(other["invoices"], [])
        check = self.api("/eq_callback.php", {"action": "check", "key": answer["callback"]})
        self.assertEqual((check["result"], check["scope"]), ("OK", "deploy_done"))

    def test_order_unpaid_when_credit_short_then_apply_credit(self):
        state = self.control("state")
        state["accounts"][KEY]["client"]["credit"] = "50.00"
        self.control("reset", {"state": state})
        token = self.login()
        answer = self.order(token, preset="bm.v2-promo", traffic_plan="4")
        self.assertEqual(answer["status"], "Unpaid")
        self.assertEqual(self.api("/eq_callback.php", {"action": "check", "key": answer["callback"]})
                         ["result"], "Not ready")
        paid = self.api("/whmcs.php", {"action": "apply_credit", "token": token,
                                       "invoice_id": str(answer["invoice"]), "amount": "89.00"})
        self.assertEqual((paid["result"], paid["amount"], paid["invoicepaid"]),
                         ("success", "50.00", "false"))
        invoices = self.api("/whmcs.php", {"action": "get_invoices", "token": token})
        self.assertEqual(invoices["result"], "success")
        unpaid = [i for i in invoices["invoices"]["invoice"] if i["status"] == "Unpaid"]
        self.assertEqual([(i["id"], i["balance"]) for i in unpaid], [(answer["invoice"], "39.00")])

    def test_order_errors(self):
        token = self.login()
        self.assertEqual(self.order(token, preset="vgpu.a4000-old")["code"], -1)
        self.assertEqual(self.order(token, location_name="US")["code"], -1)
        self.assertEqual(self.order(token, root_pass="weak")["code"], -1)
        self.assertEqual(self.control("state")["orders"], [])

    def test_show_update_servers_and_cancellation(self):
        token = self.login()
        self.order(token)
        server_id = self.control("state")["servers"][-1]["id"]
        # the token's server list is frozen at login
        self.assertEqual(self.api("/eq.php", {"action": "show", "token": token,
                                              "id": server_id})["code"], -1)
        updated = self.api("/eq.php", {"action": "update_servers", "token": token})
        self.assertIn(server_id, updated["servers"])
        show = self.api("/eq.php", {"action": "show", "token": token, "id": server_id})
        self.assertEqual(show["server_data"]["Condition_Component"], "rent")
        self.assertIn("account_id", show)
        self.assertEqual(show["type_billing"], "NL")
        cancel = {"action": "request_cancellation", "token": token, "id": server_id,
                  "pin": "not_set", "cancellation_type": "1", "cancellation_reason": "done"}
        self.assertEqual(self.api("/whmcs.php", cancel)["result"], "OK")
        self.assertEqual(self.api("/whmcs.php", cancel)["code"], -1)
        state = self.control("state")
        self.assertEqual(state["cancellations"][0]["type"], "Immediate")
        self.assertEqual(state["servers"][-1]["Condition_Component"], "power_off")

    def test_power_actions_finish_after_checks_and_reinstall_checks_its_input(self):
        token = self.login()
        show = {"action": "show", "token": token, "id": "40001"}
        self.assertEqual(self.api("/eq.php", show)["server_data"]["power"], "on")
        off = self.api("/eq.php", {"action": "off", "token": token, "id": "40001"})
        self.assertEqual((off["result"], off["action"]), ("OK", "off"))
        self.assertRegex(off["callback"], r"^[0-9a-f]{32}$")
        check = {"action": "check", "key": off["callback"]}
        self.assertEqual(self.api("/eq_callback.php", check)["result"], "Not ready")
        self.assertEqual(self.api("/eq_callback.php", check)["result"], "Not ready")
        done = self.api("/eq_callback.php", check)
        self.assertEqual((done["result"], done["context"]["action"]), ("OK", "off"))
        self.assertEqual(self.api("/eq_callback.php", check)["message"], "AsyncKey not found")
        self.assertEqual(self.api("/eq.php", show)["server_data"]["power"], "off")
        bad_os = {"action": "reinstall", "token": token, "id": "40001", "os_id": "999",
                  "root_pass": ROOT_PASS}
        self.assertEqual(self.api("/eq.php", bad_os)["code"], -1)
        weak = dict(bad_os, os_id="187", root_pass="weak")
        self.assertEqual(self.api("/eq.php", weak)["code"], -1)
        self.control("reset", {"state": {**self.control("state"),
                                         "settings": {"action_checks": 0}}})
        again = self.api("/eq.php", dict(weak, root_pass=ROOT_PASS))
        done = self.api("/eq_callback.php", {"action": "check", "key": again["callback"]})
        self.assertEqual(done["result"], "OK")
        self.assertEqual(self.api("/eq.php", show)["server_data"]["power"], "on")
        foreign = self.api("/eq.php", {"action": "on", "token": token, "id": "99999"})
        self.assertEqual(foreign["code"], -1)

    def test_api_keys_add_and_login_with_server_key(self):
        token = self.login()
        listed = self.api("/api_keys.php", {"action": "list_for_server", "token": token,
                                            "params[server_id]": "40001"})
        self.assertEqual(listed["data"], [])
        added = self.api("/api_keys.php", {
            "action": "add", "token": token, "params[name]": "Api key [40001.12]",
            "params[server_id]": "40001", "params[active]": "1", "params[ip]": "",
            "params[login_notify_method]": "none",
            "params[login_notify_address]": "reseller@example.test"})
        self.assertEqual((added["result"], added["module"]), ("OK", "api_keys"))
        plain = added["data"]["api_key"]
        self.assertRegex(plain, r"^[0-9a-f]{32}$")
        listed = self.api("/api_keys.php", {"action": "list_for_server", "token": token,
                                            "params[server_id]": "40001"})
        self.assertEqual(len(listed["data"]), 1)
        self.assertNotIn(plain, json.dumps(self.control("state")))
        scoped = self.api("/auth.php", query={"action": "login", "key": plain})
        self.assertEqual(scoped["result"]["servers"], ["40001"])
        key_id = added["data"]["id"]
        off = self.api("/api_keys.php", {"action": "edit", "token": token,
                                         "params[id]": key_id, "params[active]": "0"})
        self.assertEqual(off["data"]["active"], 0)
        refused = self.api("/auth.php", query={"action": "login", "key": plain})
        self.assertEqual(refused["code"], "INVALID_KEY", "an inactive key cannot log in")
        self.api("/api_keys.php", {"action": "edit", "token": token, "params[id]": key_id,
                                   "params[active]": "1"})
        self.assertIn("token", self.api("/auth.php", query={"action": "login", "key": plain})["result"])

    # ---- faults ----
    def test_fault_status(self):
        self.control("fault", {"module": "auth", "action": "login", "kind": "status",
                               "status": 503, "times": 1})
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            self.raw("/auth.php", query={"action": "login", "key": KEY})
        self.assertEqual(ctx.exception.code, 503)
        self.assertRegex(self.login(), r"^[0-9a-f]{32}$")  # only the next call failed

    def test_fault_malformed_body(self):
        self.control("fault", {"module": "presets", "action": "info", "kind": "body",
                               "body": '{"result": "OK", "presets": ['})
        status, data = self.raw("/presets.php", {"currencies": "EUR"}, query={"action": "info"})
        self.assertEqual((status, data), (200, b'{"result": "OK", "presets": ['))
        with self.assertRaises(ValueError):
            json.loads(data)

    def test_fault_delay(self):
        self.control("fault", {"module": "whmcs", "kind": "delay", "delay_ms": 400})
        token = self.login()  # other modules are not delayed
        start = time.monotonic()
        answer = self.api("/whmcs.php", {"action": "get_client", "token": token})
        self.assertGreaterEqual(time.monotonic() - start, 0.39)
        self.assertEqual(answer["result"], "success")
        with self.assertRaises(OSError):  # a client timeout shorter than the delay
            self.control("fault", {"module": "whmcs", "kind": "delay", "delay_ms": 1500})
            self.raw("/whmcs.php", {"action": "get_client", "token": token}, timeout=0.3)

    def test_call_delay_slows_every_call_until_reset(self):
        self.control("settings", {"call_delay_ms": 250})
        start = time.monotonic()
        token = self.login()
        self.api("/eq.php", {"action": "show", "token": token, "id": "40001"})
        self.assertGreaterEqual(time.monotonic() - start, 0.49, "both calls waited")
        self.assertEqual([c["fault"] for c in self.control("state")["calls"]], [None, None])
        self.control("reset", {})
        start = time.monotonic()
        self.login()
        self.assertLess(time.monotonic() - start, 0.25, "reset ends the delay")

    def test_fault_for_one_server_id(self):
        token = self.login()
        self.control("fault", {"module": "eq", "action": "show", "kind": "status", "status": 500,
                               "id": "99999", "times": -1})
        shown = self.api("/eq.php", {"action": "show", "token": token, "id": "40001"})
        self.assertEqual(shown["result"], "OK", "another server is not affected")
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            self.raw("/eq.php", {"action": "show", "token": token, "id": "99999"})
        self.assertEqual(ctx.exception.code, 500)

    def test_fault_close_before_and_after(self):
        self.control("fault", {"module": "auth", "action": "login", "kind": "close"})
        with self.assertRaises((http.client.HTTPException, OSError)):
            self.raw("/auth.php", query={"action": "login", "key": KEY})
        token = self.login()
        # "when": "after" runs the call, then drops the answer: the order exists anyway
        self.control("fault", {"module": "eq", "action": "order_instance", "kind": "close",
                               "when": "after"})
        with self.assertRaises((http.client.HTTPException, OSError)):
            self.order(token)
        state = self.control("state")
        self.assertEqual(len(state["orders"]), 1)
        self.assertEqual([c["fault"] for c in state["calls"]], ["close", None, "close"])

    # ---- control ----
    def test_reset(self):
        token = self.login()
        self.order(token)
        self.control("fault", {"kind": "status", "times": -1})
        self.control("reset", {})
        state = self.control("state")
        self.assertEqual((len(state["servers"]), state["orders"], state["calls"], state["faults"],
                          state["tokens"]), (1, [], [], [], {}))
        self.assertEqual(state["accounts"][KEY]["client"]["credit"], "1000.00")
        state["accounts"][KEY]["client"]["credit"] = "7.50"
        self.assertEqual(self.control("reset", state)["source"], "posted")
        answer = self.api("/whmcs.php", {"action": "get_client", "token": self.login()})
        self.assertEqual(answer["client"]["credit"], "7.50")

    def test_catalogue_replace(self):
        preset = {"id": 1, "name": "vm.tiny", "active": 1, "price": {"NL": {"EUR": 1}},
                  "OS": [], "soft": [], "traffic_plans": {}}
        self.assertEqual(self.control("catalogue", {"presets": [preset]})["count"], 1)
        answer = self.api("/presets.php", {"currencies": "EUR"}, query={"action": "info"})
        self.assertEqual([p["name"] for p in answer["presets"]], ["vm.tiny"])

    def test_calls_and_stderr_keep_no_secrets(self):
        token = self.login()
        self.order(token)
        self.api("/whmcs.php", {"action": "get_client", "token": token})
        calls = json.dumps(self.control("calls"))
        for secret in (KEY, token, ROOT_PASS):
            self.assertNotIn(secret, calls)
        filtered = self.control("calls?module=whmcs")["calls"]
        self.assertEqual([c["action"] for c in filtered], ["get_client"])
        self.stderr.flush()
        with open(self.stderr.name, "rb") as f:
            log = f.read().decode()
        for secret in (KEY, token, ROOT_PASS):
            self.assertNotIn(secret, log)


class LifecycleTest(unittest.TestCase):
    def test_sigterm_stops_cleanly_and_state_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            fixture = os.path.join(tmp, "state.json")
            with open(os.path.join(HERE, "fixture.json")) as f:
                data = json.load(f)
            data["accounts"][KEY]["client"]["email"] = "other@example.test"
            with open(fixture, "w") as f:
                json.dump(data, f)
            proc, port, port_file, stderr = start_server(tmp, ["--state-file", fixture])
            try:
                with open(port_file) as f:
                    self.assertTrue(re.fullmatch(r"\d+\n", f.read()))
                url = f"http://127.0.0.1:{port}/_control/state"
                with urllib.request.urlopen(url, timeout=10) as resp:
                    state = json.loads(resp.read())
                self.assertEqual(state["accounts"][KEY]["client"]["email"], "other@example.test")
            finally:
                proc.send_signal(signal.SIGTERM)
                self.assertEqual(proc.wait(timeout=10), 0)
                stderr.close()
            self.assertFalse(os.path.exists(port_file))


if __name__ == "__main__":
    unittest.main()
