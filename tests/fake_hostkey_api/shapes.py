"""HOSTKEY-shape mode of the fake: the same state, answered in the shapes HOSTKEY's own
clients show (terraform-provider-hostkey types.go, pending*.go, errors.go; its -com twin's
invoice_payment.go; mcp-server; the public module), not the fake's tidy defaults.

Switched on per test with `POST /_control/settings {"shape": "hostkey"}` (a reset switches
it off); it is the fake's one shape switch: the lost-answer flow's habits of HOSTKEY
(pending_flow.py: placeholder names, a deploy's "pending" scope) follow it too. What
changes (`tests/hostkey-api/` holds each shape with its source):

- business errors are `{"code": 1, "error": "..."}` (client_test.go TestDecodeAPIError_Message);
  a stale token stays `{"code": -2, "message": "Invalid token"}`, an unknown eq_callback key
  `{"code": -1, "message": "AsyncKey not found"}` (DOCS);
- a new server keeps HOSTKEY's placeholder name `hostkey<id>` (the hostname is not applied
  at order time: pending.go isInvAPIPlaceholderHostname; set in pending_flow.py);
- ids are strings (`servers`, `billing_servers[].id`, `server_data.id`, key ids, invoice ids);
  `billing_servers[].config` is null and `name` null where HOSTKEY has none;
- `eq/show` carries `account_id`/`type_billing` only inside `server_data`, `"IP": null` and
  `"hostname": null` until the server is deployed, no `power` (no source has it): a server
  powered off shows `power_off` as its rental state instead;
- `whmcs/get_invoice` has no `status` (the public module reads `total` and `items` only);
- a deploy's `eq_callback/check` says `{"result":"OK","scope":"pending","context":{"id":"","ip":""}}`
  while it runs (pending_test.go; answered in pending_flow.py); power actions keep
  "Not ready" (the -com errors.go);
- `api_keys/edit` blanks every field of the record it was not sent (what the issue fears);
- `whmcs/get_related_invoices` (MCP billing.ts lists it, no source shows its answer) is
  refused as an unknown action, so a renewal takes the public module's path
  (`eq/show` server_data account → `whmcs/get_product_invoice`).
"""

import copy

KEY_FIELDS = ("name", "ip", "login_notify_method", "login_notify_address")


def enabled(st):
    return st.settings.get("shape") == "hostkey"


def _error(answer):
    if answer.get("code") == -1 and "message" in answer and "result" not in answer:
        return {"code": 1, "error": answer["message"]}
    return answer


def _deployed(st, server):
    return server.get("Condition_Component") == st.settings["deploy_state"]


def _strings(values):
    return [str(v) for v in values]


def reshape(st, module, action, params, answer):
    """The answer in HOSTKEY's shapes; may also apply HOSTKEY's habits to the state."""
    if not isinstance(answer, dict):
        return answer
    if module != "eq_callback":
        answer = _error(answer)
    answer = copy.deepcopy(answer)
    call = f"{module}/{action}"
    if call == "whmcs/get_related_invoices":
        return {"code": 1, "error": "Unknown action"}
    if call == "eq/update_servers" and answer.get("result") == "OK":
        answer["servers"] = _strings(answer.get("servers", []))
        for item in answer.get("billing_servers", []):
            item["id"] = str(item["id"])
            item["name"] = item.get("name") or None
            item["config"] = None
    elif call == "eq/show" and answer.get("result") == "OK":
        data = answer["server_data"]
        server = st.server(data.get("id"))
        answer.pop("account_id", None)
        answer.pop("type_billing", None)
        data.pop("power", None)
        data["id"] = str(data["id"])
        data["account_id"] = str(data["account_id"])
        if server is not None and not _deployed(st, server):
            data["hostname"] = None
            data["name"] = None
            answer["IP"] = None
            answer["tags"] = []
        else:
            for ip in answer.get("IP") or []:
                ip["main_ip"] = str(ip.get("main_ip", ""))
            if server is not None and server.get("power") == "off":
                # Power shows in the rental state (eq_power.go PowerStateFromStatus).
                data["Condition_Component"] = data["status"] = "power_off"
    elif call == "whmcs/get_invoice" and answer.get("result") == "OK":
        answer.pop("status", None)
        answer["invoiceid"] = str(answer.get("invoiceid", ""))
    elif call == "whmcs/get_product_invoice":
        for inv in answer.get("invoices", []):
            inv["invoiceid"] = str(inv["invoiceid"])
    elif module == "api_keys" and isinstance(answer.get("data"), list):
        for item in answer["data"]:
            item["id"] = str(item["id"])
            item["server_id"] = None if item.get("server_id") is None else str(item["server_id"])
            for field in ("ip", "login_notify_address"):
                item[field] = item.get(field) or None
    if call == "api_keys/edit" and answer.get("result") == "OK":
        sent = params.get("params") if isinstance(params.get("params"), dict) else {}
        for item in st.data["api_keys"]:
            if str(item["id"]) == str(sent.get("id", "")):
                for field in KEY_FIELDS:
                    if field not in sent:
                        item[field] = ""
    return answer
