"""The lost-answer flow of an order as HOSTKEY's own client's tests show it
(terraform provider internal/invapi/pending_test.go). What HOSTKEY does to the state
follows the one shape switch, `{"shape": "hostkey"}` (shapes.py reshapes the answers):

- a new server keeps HOSTKEY's placeholder name `hostkey<id>` (in eq/show, tags,
  update_servers) until `eq/rename_server`; the ordered name is kept as
  `requested_hostname`;
- `eq_callback/check` of an order not deployed yet answers
  `{"result":"OK","scope":"pending","context":{"id":"","ip":""}}` (not "Not ready"),
  then `deploy_done` with `context` id and ip.

Knobs of a scenario, not shapes (POST /_control/settings, in either shape):

- `server_ids_from`: new server ids count up from this number, so they can sit BELOW
  the account's existing (stock) ids.
- `deploy_checks`: this many more "pending" answers once the server is deployed
  (HOSTKEY shape only).
- `order_unpaid`: an order is not paid from the account's credit at once; the
  reseller pays it with `whmcs/apply_credit` (the deploy starts then).

`eq/rename_server` (`id`, `hostname`) is always there. A lost `order_instance` answer is
the existing fault with `"when": "after"`.
"""

import shapes


def register(handlers, ns):
    """Wraps and adds handlers in `handlers` (handlers.HANDLERS); `ns` is the
    handlers module's namespace (session, owned_server, fail, ...)."""
    place = handlers["eq"]["order_instance"]
    check = handlers["eq_callback"]["check"]

    def order_instance(st, p):
        if not st.settings.get("order_unpaid"):
            return placed(st, p)
        _, account = ns["session"](st, p)
        client = account["client"]
        saved, client["credit"] = client["credit"], "0.00"
        try:
            return placed(st, p)
        finally:
            client["credit"] = saved

    def placed(st, p):
        settings = st.settings
        low = settings.get("server_ids_from")
        if low:
            counters = st.data["counters"]
            counters.setdefault("server_low", int(low))
            saved, counters["server"] = counters["server"], counters["server_low"]
            try:
                answer = place(st, p)
            finally:
                counters["server_low"], counters["server"] = counters["server"], saved
        else:
            answer = place(st, p)
        if shapes.enabled(st) and p.get("preset") and answer.get("result") == "OK":
            for server in st.data["servers"]:
                if server.get("invoice_id") == answer.get("invoice"):
                    server["requested_hostname"] = server["hostname"]
                    server["hostname"] = f"hostkey{server['id']}"
        return answer

    def callback_check(st, p):
        cb = st.data["callbacks"].get(p.get("key") or "")
        if cb is None or cb["action"] != "deploy" or not shapes.enabled(st):
            return check(st, p)
        server = st.server(cb["server_id"])
        deployed = server is not None and \
            server["Condition_Component"] == st.settings["deploy_state"]
        if deployed:
            left = cb.setdefault("pending_left", int(st.settings.get("deploy_checks", 0)))
            if left <= 0:
                return check(st, p)
            cb["pending_left"] = left - 1
        return {"result": "OK", "key": p.get("key"), "scope": "pending", "debug": "",
                "context": {"id": "", "ip": ""}}

    def rename_server(st, p):
        info, _ = ns["session"](st, p)
        server = ns["owned_server"](st, info, p.get("id"), eq_scope=True)
        name = str(p.get("hostname") or "").strip()
        if not name:
            raise ns["fail"]("hostname is required")
        server["hostname"] = name
        return {"result": "OK", "action": "rename_server", "id": server["id"], "hostname": name}

    handlers["eq"]["order_instance"] = order_instance
    handlers["eq"]["rename_server"] = rename_server
    handlers["eq_callback"]["check"] = callback_check
