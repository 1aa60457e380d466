"""The fake's lost-answer flow (pending_flow.py) against the shapes of HOSTKEY's
own client's tests (terraform provider internal/invapi/pending_test.go)."""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from handlers import dispatch  # noqa: E402
from state import State  # noqa: E402

KEY = "hk-test-key-0123456789abcdef0123"
ORDER = {"preset": "vm.nano", "location_name": "NL", "os_id": "187", "root_pass": "Abcdef12-secret",
         "hostname": "web-1.example.test", "deploy_period": "monthly"}


class PendingFlowTest(unittest.TestCase):
    def setUp(self):
        self.st = State()
        self.st.settings.update({"shape": "hostkey", "server_ids_from": 30000,
                                 "deploy_checks": 1})

    def call(self, module, action, **params):
        if module != "auth":
            params["token"] = self.token
        return dispatch(self.st, module, action, params)

    def login(self):
        self.token = dispatch(self.st, "auth", "login", {"key": KEY})["result"]["token"]

    def test_a_new_server_has_the_placeholder_name_and_an_id_below_the_stock_ones(self):
        self.login()
        existing = [s["id"] for s in self.st.data["servers"]]
        answer = self.call("eq", "order_instance", **ORDER)
        self.assertEqual(answer["result"], "OK")
        self.assertTrue(answer["callback"])
        new = [s for s in self.st.data["servers"] if s["invoice_id"] == answer["invoice"]][0]
        self.assertEqual(new["id"], 30000)
        self.assertLess(new["id"], min(existing))
        self.assertEqual(new["hostname"], "hostkey30000")
        self.assertEqual(new["requested_hostname"], "web-1.example.test")
        # The next order continues below the stock ids; the stock counter is untouched.
        second = self.call("eq", "order_instance", **dict(ORDER, hostname="web-2.example.test"))
        ids = [s["id"] for s in self.st.data["servers"] if s["invoice_id"] == second["invoice"]]
        self.assertEqual(ids, [30001])
        self.assertEqual(self.st.data["counters"]["server"], 100001)

        listed = self.call("eq", "update_servers")
        self.assertIn(str(answer["invoice"]), listed["deploy_keys"])
        self.assertEqual(listed["deploy_keys"][str(answer["invoice"])], answer["callback"])
        names = {b["id"]: b["name"] for b in listed["billing_servers"]}
        self.assertEqual(names[30000], "hostkey30000")
        shown = self.call("eq", "show", id="30000")
        self.assertEqual(shown["tags"][0]["value"], "hostkey30000")

    def test_the_deploy_check_answers_pending_then_deploy_done_with_the_server(self):
        self.login()
        answer = self.call("eq", "order_instance", **ORDER)
        key = answer["callback"]
        first = self.call("eq_callback", "check", key=key)
        self.assertEqual(first, {"result": "OK", "key": key, "scope": "pending", "debug": "",
                                 "context": {"id": "", "ip": ""}})
        done = self.call("eq_callback", "check", key=key)
        self.assertEqual(done["scope"], "deploy_done")
        self.assertEqual(done["context"]["id"], "30000")
        self.assertTrue(done["context"]["ip"])
        # Done and cleaned up: the key is gone from deploy_keys and unknown to check.
        self.login()
        self.assertEqual(self.call("eq", "update_servers")["deploy_keys"], [])
        gone = self.call("eq_callback", "check", key=key)
        self.assertEqual(gone["code"], -1)

    def test_an_unpaid_order_stays_pending(self):
        self.st.data["accounts"][KEY]["client"]["credit"] = "0.00"
        self.login()
        answer = self.call("eq", "order_instance", **ORDER)
        self.assertEqual(answer["status"], "Unpaid")
        for _ in range(3):
            self.assertEqual(self.call("eq_callback", "check", key=answer["callback"])["scope"],
                             "pending")

    def test_an_unpaid_order_is_paid_by_apply_credit_and_then_deploys(self):
        self.st.settings["order_unpaid"] = True
        self.login()
        answer = self.call("eq", "order_instance", **ORDER)
        self.assertEqual(answer["status"], "Unpaid")
        self.assertEqual(self.st.data["accounts"][KEY]["client"]["credit"], "1000.00")
        key = answer["callback"]
        self.assertEqual(self.call("eq_callback", "check", key=key)["scope"], "pending")
        invoice = self.call("whmcs", "get_invoice", invoice_id=str(answer["invoice"]))
        paid = self.call("whmcs", "apply_credit", invoice_id=str(answer["invoice"]),
                         amount=invoice["balance"])
        self.assertEqual(paid["invoicepaid"], "true")
        self.assertEqual(self.call("eq_callback", "check", key=key)["scope"], "pending")
        self.assertEqual(self.call("eq_callback", "check", key=key)["scope"], "deploy_done")

    def test_rename_server_applies_the_hostname(self):
        self.login()
        self.call("eq", "order_instance", **ORDER)
        self.login()
        renamed = self.call("eq", "rename_server", id="30000", hostname="web-1.example.test")
        self.assertEqual(renamed["result"], "OK")
        self.assertEqual(self.call("eq", "show", id="30000")["server_data"]["hostname"],
                         "web-1.example.test")
        refused = self.call("eq", "rename_server", id="30000", hostname=" ")
        self.assertEqual(refused["code"], -1)
        foreign = self.call("eq", "rename_server", id="999", hostname="x")
        self.assertIn("not found", foreign["message"])

    def test_without_the_settings_the_fake_answers_as_before(self):
        self.st.settings.update({"shape": "plain", "server_ids_from": 0})
        self.login()
        answer = self.call("eq", "order_instance", **ORDER)
        new = [s for s in self.st.data["servers"] if s["invoice_id"] == answer["invoice"]][0]
        self.assertEqual((new["id"], new["hostname"]), (100001, "web-1.example.test"))
        # Paid from credit and deployed at once: done at the first look, no "pending".
        self.assertEqual(self.call("eq_callback", "check", key=answer["callback"])["scope"],
                         "deploy_done")


if __name__ == "__main__":
    unittest.main()
