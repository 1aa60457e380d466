"""Tests for the fake's HOSTKEY-shape mode (shapes.py) and reinstall as order_instance+id.

    python3 -m unittest discover -s tests/fake_hostkey_api -v
"""

import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import test_server  # noqa: E402
from test_server import KEY, ROOT_PASS  # noqa: E402


class ShapeModeTest(unittest.TestCase):
    """Its own fake server; borrows test_server's helpers, not its tests."""

    def hostkey_mode(self):
        answer = self.control("settings", {"shape": "hostkey"})
        self.assertEqual(answer["settings"]["shape"], "hostkey")

    def key(self, token, server_id="40001"):
        return self.api("/api_keys.php", {
            "action": "add", "token": token, "params[name]": "Api key [40001.12]",
            "params[server_id]": server_id, "params[active]": "1", "params[ip]": "",
            "params[login_notify_method]": "none",
            "params[login_notify_address]": "reseller@example.test"})["data"]

    def test_the_switch_is_per_test_and_a_reset_turns_it_off(self):
        self.assertEqual(self.control("state")["settings"]["shape"], "plain")
        self.hostkey_mode()
        self.assertEqual(self.control("state")["settings"]["shape"], "hostkey")
        self.control("reset", {})
        self.assertEqual(self.control("state")["settings"]["shape"], "plain")

    def test_reinstall_is_order_instance_with_the_server_id_and_no_preset(self):
        self.control("settings", {"action_checks": 0})
        token = self.login()
        started = self.api("/eq.php", {"action": "order_instance", "token": token,
                                       "id": "40001", "os_id": "187", "root_pass": ROOT_PASS})
        self.assertEqual((started["result"], started["action"], started["id"]),
                         ("OK", "order_instance", 40001))
        self.assertRegex(started["callback"], r"^[0-9a-f]{32}$")
        done = self.api("/eq_callback.php", {"action": "check", "key": started["callback"]})
        self.assertEqual((done["result"], done["context"]["action"]), ("OK", "reinstall"))
        state = self.control("state")
        self.assertEqual(state["orders"], [], "a reinstall orders nothing")
        self.assertEqual(len(state["invoices"]), 1, "and raises no invoice")
        weak = self.api("/eq.php", {"action": "order_instance", "token": token,
                                    "id": "40001", "os_id": "187", "root_pass": "weak"})
        self.assertEqual(weak["code"], -1)

    def test_related_invoices_are_refused_so_renewals_take_the_public_modules_path(self):
        self.hostkey_mode()
        token = self.login()
        answer = self.api("/whmcs.php", {"action": "get_related_invoices", "token": token,
                                         "id": "40001"})
        self.assertEqual(answer, {"code": 1, "error": "Unknown action"})

    def test_errors_are_code_1_with_error_but_a_stale_token_stays_code_minus_2(self):
        self.hostkey_mode()
        token = self.login()
        foreign = self.api("/whmcs.php", {"action": "request_cancellation", "token": token,
                                          "id": "99999", "cancellation_type": "1"})
        self.assertEqual(foreign, {"code": 1, "error": "Server 99999 not found"})
        stale = self.api("/eq.php", {"action": "show", "token": "0" * 32, "id": "40001"})
        self.assertEqual(stale, {"code": -2, "message": "Invalid token"})
        gone = self.api("/eq_callback.php", {"action": "check", "key": "f" * 32})
        self.assertEqual(gone["message"], "AsyncKey not found")

    def test_a_new_server_keeps_its_placeholder_name_and_ids_are_strings(self):
        self.hostkey_mode()
        token = self.login()
        ordered = self.order(token)
        self.assertIsInstance(ordered["invoice"], int, "the provider reads invoice as a number")
        server = self.control("state")["servers"][-1]
        self.assertEqual(server["hostname"], f"hostkey{server['id']}")
        self.assertEqual(server["requested_hostname"], "web1.example.test")
        listed = self.api("/eq.php", {"action": "update_servers", "token": token})
        self.assertEqual(listed["servers"], ["40001", str(server["id"])])
        names = {b["id"]: (b["name"], b["config"]) for b in listed["billing_servers"]}
        self.assertEqual(names[str(server["id"])], (f"hostkey{server['id']}", None))
        self.assertEqual(listed["deploy_keys"], {str(ordered["invoice"]): ordered["callback"]})

    def test_show_has_billing_facts_only_in_server_data_and_no_power(self):
        self.hostkey_mode()
        token = self.login()
        show = self.api("/eq.php", {"action": "show", "token": token, "id": "40001"})
        self.assertNotIn("account_id", show)
        self.assertNotIn("type_billing", show)
        data = show["server_data"]
        self.assertEqual((data["id"], data["account_id"], data["type_billing"]),
                         ("40001", "55500", "NL"))
        self.assertNotIn("power", data)
        self.assertEqual(show["IP"][0]["main_ip"], "1")

    def test_power_shows_in_the_rental_state_not_in_a_power_field(self):
        self.control("settings", {"action_checks": 0})
        self.hostkey_mode()
        token = self.login()
        show = {"action": "show", "token": token, "id": "40001"}
        self.assertEqual(self.api("/eq.php", show)["server_data"]["Condition_Component"], "rent")
        off = self.api("/eq.php", {"action": "off", "token": token, "id": "40001"})
        self.api("/eq_callback.php", {"action": "check", "key": off["callback"]})
        data = self.api("/eq.php", show)["server_data"]
        self.assertEqual((data["Condition_Component"], data["status"]), ("power_off", "power_off"))
        self.assertNotIn("power", data)

    def test_an_undeployed_server_has_null_ip_and_hostname_and_a_pending_scope(self):
        self.hostkey_mode()
        state = self.control("state")
        state["accounts"][KEY]["client"]["credit"] = "0.00"
        del state["calls"], state["faults"]
        self.control("reset", {"state": state})
        self.hostkey_mode()
        token = self.login()
        ordered = self.order(token)
        self.assertEqual(ordered["status"], "Unpaid")
        server_id = self.control("state")["servers"][-1]["id"]
        self.api("/eq.php", {"action": "update_servers", "token": token})
        show = self.api("/eq.php", {"action": "show", "token": token, "id": server_id})
        self.assertIsNone(show["IP"])
        self.assertIsNone(show["server_data"]["hostname"])
        check = self.api("/eq_callback.php", {"action": "check", "key": ordered["callback"]})
        self.assertEqual(check, {"result": "OK", "scope": "pending", "debug": "",
                                 "context": {"id": "", "ip": ""}, "key": ordered["callback"]})
        invoice = self.api("/whmcs.php", {"action": "get_invoice", "token": token,
                                          "invoice_id": ordered["invoice"]})
        self.assertNotIn("status", invoice)
        self.assertEqual((invoice["invoiceid"], invoice["total"]),
                         (str(ordered["invoice"]), invoice["balance"]))

    def test_api_keys_edit_blanks_what_it_was_not_sent(self):
        self.hostkey_mode()
        token = self.login()
        key = self.key(token)
        listed = self.api("/api_keys.php", {"action": "list_for_server", "token": token,
                                            "params[server_id]": "40001"})["data"]
        self.assertEqual(listed[0]["id"], str(key["id"]))
        self.assertIsNone(listed[0]["ip"])
        whole = {"action": "edit", "token": token, "params[id]": key["id"],
                 "params[name]": key["name"], "params[ip]": "",
                 "params[login_notify_method]": "none",
                 "params[login_notify_address]": "reseller@example.test", "params[active]": "0"}
        self.api("/api_keys.php", whole)
        kept = self.control("state")["api_keys"][-1]
        self.assertEqual((kept["name"], kept["login_notify_address"], kept["active"]),
                         ("Api key [40001.12]", "reseller@example.test", 0))
        self.api("/api_keys.php", {"action": "edit", "token": token, "params[id]": key["id"],
                                   "params[active]": "1"})
        blanked = self.control("state")["api_keys"][-1]
        self.assertEqual((blanked["name"], blanked["login_notify_address"], blanked["active"]),
                         ("", "", 1))
        self.assertNotIn("shape", json.dumps(blanked))


for _name in ("setUpClass", "tearDownClass", "setUp", "raw", "api", "control", "login",
              "order"):
    setattr(ShapeModeTest, _name, test_server.FakeServerTest.__dict__[_name])


if __name__ == "__main__":
    unittest.main()
