"""API modules of the fake HOSTKEY invapi: one function per module/action.

Every handler gets (state, params) with the state lock held and returns the JSON answer
(a dict). Business errors are answered with HTTP 200, as the real API does.
"""

import copy
import re
import secrets
import time
from decimal import Decimal, InvalidOperation

from phpform import mask
from state import money, sha256


class Answer(Exception):
    """Raised to stop a handler early with a ready JSON answer (an error)."""

    def __init__(self, body):
        super().__init__("answer")
        self.body = body


def fail(message, code=-1, **extra):
    """`{"code":-1,"message":...}`: the DOCS error shape used by most modules."""
    return Answer({"code": code, "message": message, **extra})


def fail_result(error, code):
    """`{"result":-1,"error":...,"code":...}`: the auth/login error shape."""
    return Answer({"result": -1, "error": error, "code": code})


def today(offset_days=0):
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() + offset_days * 86400))


def session(st, p):
    """The caller's token info and account, or the Invalid token answer."""
    info = st.token(p.get("token"))
    if info is None:
        raise fail("Invalid token", code=-2)
    _, account = st.account_by_client(info["client_id"])
    if account is None:
        raise fail("Invalid token", code=-2)
    return info, account


def owned_server(st, info, server_id, eq_scope=False):
    server = st.server(server_id) if server_id not in (None, "") else None
    if server is None or server["client_id"] != info["client_id"]:
        raise fail(f"Server {server_id} not found")
    if info.get("scope_server") is not None and str(info["scope_server"]) != str(server["id"]):
        raise fail(f"Server {server_id} not found")
    if eq_scope and st.settings["token_servers_frozen"]:
        if str(server["id"]) not in [str(s) for s in info["servers"]]:
            raise fail(f"Server {server_id} not found")
    return server


def owned_invoice(st, info, invoice_id):
    inv = st.invoice(invoice_id) if invoice_id not in (None, "") else None
    if inv is None or inv["client_id"] != info["client_id"]:
        raise fail("Invoice ID Not Found")
    return inv


def nested(p, name="params"):
    value = p.get(name)
    return value if isinstance(value, dict) else {}


# ---------------------------------------------------------------- auth.php

def auth_login(st, p):
    key = p.get("key")
    if not isinstance(key, str) or not key:
        raise fail_result("Invalid API key", "INVALID_KEY")
    _, account, scope_server = st.account_for_key(key)
    if account is None:
        raise fail_result("Invalid API key", "INVALID_KEY")
    if account.get("empty"):
        raise fail_result("No appropriate servers found", "NO_APPROPRIATE_SERVERS")
    try:
        ttl = int(p.get("ttl") or st.settings["token_ttl"])
    except (TypeError, ValueError):
        ttl = st.settings["token_ttl"]
    ttl = max(1, min(ttl, 86400))
    client_id = account["client"]["id"]
    if scope_server is not None:
        servers = [scope_server]
    else:
        servers = [s["id"] for s in st.client_servers(client_id)]
    token, expires = st.new_token(client_id, servers, ttl, scope_server)
    return {"result": {"token": token, "servers": [str(s) for s in servers],
                       "invapi": account.get("invapi", "invapi.hostkey.com"),
                       "role": account.get("role", "Customer"), "token_expire": expires}}


def auth_info(st, p):
    info, account = session(st, p)
    client = account["client"]
    return {"result": {"token": p.get("token"), "role": account.get("role", "Customer"),
                       "servers": [str(s) for s in info["servers"]],
                       "whmcs_id": client["id"], "customer_id": client["id"],
                       "email": client["email"], "token_expire": info["expires"],
                       "billing_servers": [s["id"] for s in st.client_servers(client["id"])]},
            "action": "info"}


def auth_logout(st, p):
    session(st, p)
    st.data["tokens"].pop(p.get("token"), None)
    return {"result": "OK", "action": "logout"}


# ---------------------------------------------------------------- presets.php

def _keep_currencies(price, currencies):
    if not isinstance(price, dict):
        return price
    return {c: v for c, v in price.items() if c in currencies}


def _preset_for(preset, currencies):
    p = copy.deepcopy(preset)
    if isinstance(p.get("price"), dict):
        p["price"] = {loc: kept for loc, by_cur in p["price"].items()
                      if (kept := _keep_currencies(by_cur, currencies))}
    for item in p.get("OS", []) + p.get("soft", []):
        if "price" in item:
            item["price"] = _keep_currencies(item["price"], currencies)
    for plans in (p.get("traffic_plans") or {}).values():
        for item in plans:
            if "price" in item:
                item["price"] = _keep_currencies(item["price"], currencies)
    return p


def presets_info(st, p):
    # No token needed (RM sends none); a token, valid or not, is ignored.
    raw = p.get("currencies") or "EUR,USD"
    if isinstance(raw, list):
        raw = ",".join(raw)
    currencies = {c.strip().upper() for c in str(raw).split(",") if c.strip()}
    return {"result": "OK", "action": "info",
            "presets": [_preset_for(x, currencies) for x in st.data["presets"]]}


def presets_list(st, p):
    location = str(p.get("location") or "").upper()
    out = []
    for x in st.data["presets"]:
        locations = [s.strip() for s in str(x.get("locations", "")).split(",") if s.strip()]
        if not x.get("active") or (location and location not in locations):
            continue
        out.append({k: x.get(k) for k in ("id", "name", "description", "locations", "hdd",
                                          "virtual", "server_type", "active")}
                   | {"location": location or (locations[0] if locations else "")})
    return {"result": "OK", "action": "list", "presets": out}


def presets_show(st, p):
    preset = st.preset(p.get("id"))
    if preset is None:
        raise fail("Preset not found")
    return {"result": "OK", "action": "show", "preset": copy.deepcopy(preset)}


# ---------------------------------------------------------------- whmcs.php

def whmcs_get_client(st, p):
    _, account = session(st, p)
    client = copy.deepcopy(account["client"])
    return {"result": "success", "userid": client["id"], "client_id": client["id"],
            "client": client}


def invoice_view(inv):
    return {
        "result": "OK", "invoiceid": inv["id"], "invoicenum": "", "userid": inv["client_id"],
        "date": inv["date"], "duedate": inv["duedate"], "datepaid": inv.get("datepaid", ""),
        "subtotal": inv["subtotal"], "credit": inv["credit"], "tax": "0.00", "tax2": "0.00",
        "total": inv["total"], "balance": inv["balance"], "taxrate": "0.00",
        "status": inv["status"], "paymentmethod": "banktransfer", "notes": "",
        "currencycode": inv["currencycode"],
        "items": {"item": [{"id": it["id"], "type": it.get("type", "Hosting"),
                            "relid": str(it["relid"]), "inv_id": str(it["inv_id"]),
                            "description": it["description"], "amount": it["amount"],
                            "taxed": 0} for it in inv["items"]]},
        "transactions": "",
    }


def whmcs_get_invoice(st, p):
    info, _ = session(st, p)
    return invoice_view(owned_invoice(st, info, p.get("invoice_id")))


def mark_paid(st, inv):
    inv["status"], inv["datepaid"] = "Paid", today()
    for item in inv["items"]:
        server = st.server(item["inv_id"])
        if server and server["Condition_Component"] == st.settings["unpaid_state"]:
            server["Condition_Component"] = server["status"] = st.settings["deploy_state"]


def pay_from_credit(st, client, inv, amount):
    """Apply up to `amount` of the client's credit to the invoice; return what was applied."""
    balance, credit = Decimal(inv["balance"]), Decimal(client["credit"])
    applied = max(Decimal("0"), min(amount, balance, credit))
    client["credit"] = money(credit - applied)
    inv["credit"] = money(Decimal(inv["credit"]) + applied)
    inv["balance"] = money(balance - applied)
    if Decimal(inv["balance"]) <= 0:
        mark_paid(st, inv)
    return applied


def whmcs_apply_credit(st, p):
    info, account = session(st, p)
    inv = owned_invoice(st, info, p.get("invoice_id"))
    try:
        amount = Decimal(str(p.get("amount")))
    except InvalidOperation:
        raise fail("Invalid amount")
    if not amount.is_finite() or amount <= 0:
        raise fail("Invalid amount")
    if Decimal(inv["balance"]) <= 0:
        raise fail("Amount exceeds invoice balance")
    if Decimal(account["client"]["credit"]) <= 0:
        raise fail("Amount exceeds customer credit balance")
    applied = pay_from_credit(st, account["client"], inv, amount)
    return {"result": "success", "invoiceid": inv["id"], "amount": money(applied),
            "invoicepaid": "true" if inv["status"] == "Paid" else "false"}


def raise_renewal(st, server_id):
    """HOSTKEY's next invoice of a server (unpaid), as its billing raises it."""
    server = st.server(server_id)
    if server is None:
        return None
    first = st.invoice(server["invoice_id"])
    total = first["total"] if first else "0.00"
    invoice = {
        "id": st.next_id("invoice"), "client_id": server["client_id"], "date": today(),
        "duedate": today(7), "datepaid": "", "subtotal": total, "credit": "0.00", "total": total,
        "balance": total, "status": "Unpaid", "currencycode": first["currencycode"] if first else "EUR",
        "items": [{"id": st.next_id("invoice_item"), "type": "Hosting", "relid": server["account_id"],
                   "inv_id": server["id"], "amount": total,
                   "description": f"{server['preset']} ({server['location']}) renewal"}],
    }
    st.data["invoices"].append(invoice)
    return invoice


def whmcs_get_product_invoice(st, p):
    info, _ = session(st, p)
    product = str(p.get("product", ""))
    out = [{"invoiceid": inv["id"], "total": inv["total"], "balance": inv["balance"],
            "status": inv["status"], "date": inv["date"], "duedate": inv["duedate"]}
           for inv in st.data["invoices"]
           if inv["client_id"] == info["client_id"]
           and any(str(it["relid"]) == product for it in inv["items"])]
    return {"result": "OK", "action": "get_product_invoice", "invoices": out}


def whmcs_get_related_invoices(st, p):
    """The invoices of one server (MCP billing.ts get_server_invoices); no HOSTKEY source
    shows the answer, so the fake answers in WHMCS's own list shape."""
    info, _ = session(st, p)
    server = str(p.get("id", ""))
    out = [{"id": inv["id"], "status": inv["status"], "total": inv["total"],
            "date": inv["date"], "duedate": inv["duedate"]}
           for inv in st.data["invoices"]
           if inv["client_id"] == info["client_id"]
           and any(str(it.get("inv_id", "")) == server for it in inv["items"])]
    return {"result": "OK", "action": "get_related_invoices", "invoices": out}


def whmcs_get_invoices(st, p):
    info, _ = session(st, p)
    status = p.get("status")
    out = [{"id": inv["id"], "userid": inv["client_id"], "date": inv["date"],
            "duedate": inv["duedate"], "datepaid": inv.get("datepaid", ""),
            "subtotal": inv["subtotal"], "credit": inv["credit"], "total": inv["total"],
            "balance": inv["balance"], "status": inv["status"],
            "currencycode": inv["currencycode"]}
           for inv in st.data["invoices"]
           if inv["client_id"] == info["client_id"] and (not status or inv["status"] == status)]
    return {"result": "success", "totalresults": len(out), "startnumber": 0,
            "numreturned": len(out), "invoices": {"invoice": out}}


CANCEL_TYPES = {"1": "Immediate", "immediate": "Immediate",
                "0": "End of Billing Period", "end of billing period": "End of Billing Period"}


def whmcs_request_cancellation(st, p):
    info, _ = session(st, p)
    server = owned_server(st, info, p.get("id"))
    kind = CANCEL_TYPES.get(str(p.get("cancellation_type", "0")).strip().lower())
    if kind is None:
        raise fail("Invalid cancellation_type")
    if server.get("cancellation"):
        raise fail("Existing Cancellation Request Exists")
    reason = p.get("cancellation_reason") or p.get("terminate_reason_custom") or ""
    record = {"id": st.next_id("cancellation"), "server_id": server["id"],
              "client_id": info["client_id"], "type": kind, "reason": reason,
              "pin_sent": "pin" in p, "date": today()}
    st.data["cancellations"].append(record)
    server["cancellation"] = {"id": record["id"], "type": kind, "reason": reason}
    if kind == "Immediate":
        server["Condition_Component"], server["status"] = "power_off", "cancelled"
    return {"result": "OK", "action": "request_cancellation", "id": server["id"],
            "cancellation_id": record["id"]}


# ---------------------------------------------------------------- eq.php

PERIOD_MONTHS = {"hourly": 1, "monthly": 1, "quarterly": 3, "semi-annually": 6,
                 "semiannually": 6, "6 months": 6, "annually": 12, "yearly": 12}
ROOT_PASS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9%\-_+]{7,29}$")


def _valid_root_pass(pw):
    return (isinstance(pw, str) and ROOT_PASS.match(pw) and re.search(r"[A-Z]", pw)
            and re.search(r"[a-z]", pw) and re.search(r"[0-9]", pw)
            and re.search(r"[%\-_+]", pw))


def _pick(items, wanted_id, what):
    for item in items or []:
        if str(item.get("id")) == str(wanted_id):
            return item
    raise fail(f"{what} {wanted_id} is not available for this preset")


def _price(item, currency):
    price = item.get("price") if isinstance(item, dict) else None
    if isinstance(price, dict):
        return Decimal(str(price.get(currency, 0)))
    return Decimal("0")


def eq_order_instance(st, p):
    info, account = session(st, p)
    client = account["client"]
    if p.get("id") and not p.get("preset"):
        # A reinstall, as HOSTKEY's own client sends it (server_reinstall.go).
        started = eq_reinstall(st, p)
        return {**started, "action": "order_instance", "id": st.server(p.get("id"))["id"],
                "deploy_status": "reinstall"}
    preset = st.preset(p.get("preset"))
    if preset is None:
        raise fail(f"Preset {p.get('preset')} not found")
    if not preset.get("active"):
        raise fail(f"Preset {preset['name']} is not available")
    location = p.get("location_name") or ""
    by_cur = (preset.get("price") or {}).get(location)
    if not by_cur:
        raise fail(f"Preset {preset['name']} is not available in location '{location}'")
    currency = client["currency_code"]
    if currency not in by_cur:
        raise fail(f"Preset {preset['name']} has no {currency} price in {location}")
    period = str(p.get("deploy_period") or "monthly").lower()
    if period not in PERIOD_MONTHS:
        raise fail(f"Unknown deploy_period '{period}'")
    if st.settings["validate_root_pass"] and not _valid_root_pass(p.get("root_pass")):
        raise fail("root_pass does not meet the password rules")
    if not p.get("os_id"):
        raise fail("os_id is required")
    os_item = _pick(preset.get("OS"), p.get("os_id"), "OS")
    soft_item = None
    if p.get("soft_id") not in (None, "", "0"):
        soft_item = _pick(preset.get("soft"), p.get("soft_id"), "Software")
    plans = (preset.get("traffic_plans") or {}).get(location) or []
    plan = _pick(plans, p["traffic_plan"], "Traffic plan") if p.get("traffic_plan") else \
        (plans[0] if plans else None)

    monthly = Decimal(str(by_cur[currency])) + _price(os_item, currency) + \
        _price(soft_item, currency) + _price(plan, currency)
    total = money(monthly * PERIOD_MONTHS[period])

    server_id, account_id = st.next_id("server"), st.next_id("account")
    invoice_id, callback = st.next_id("invoice"), secrets.token_hex(16)
    hostname = p.get("hostname") or f"hostkey{server_id}"
    server = {
        "id": server_id, "client_id": client["id"], "account_id": account_id,
        "type_billing": location, "preset": preset["name"], "preset_id": preset["id"],
        "location": location, "hostname": hostname,
        "Condition_Component": st.settings["unpaid_state"], "status": st.settings["unpaid_state"],
        "ip": st.settings["ip_prefix"] + str(10 + len(st.data["servers"]) % 240),
        "os_id": os_item["id"], "os_name": os_item.get("name", ""),
        "soft_id": soft_item["id"] if soft_item else 0,
        "soft_name": soft_item.get("name", "") if soft_item else "",
        "traffic_plan": plan["id"] if plan else None, "deploy_period": period,
        "invoice_id": invoice_id, "created": today(), "cancellation": None,
    }
    invoice = {
        "id": invoice_id, "client_id": client["id"], "date": today(), "duedate": today(7),
        "datepaid": "", "subtotal": total, "credit": "0.00", "total": total, "balance": total,
        "status": "Unpaid", "currencycode": currency,
        "items": [{"id": st.next_id("invoice_item"), "type": "Hosting", "relid": account_id,
                   "inv_id": server_id, "amount": total,
                   "description": f"{preset['name']} ({location}) - {hostname} ({period})"}],
    }
    st.data["servers"].append(server)
    st.data["invoices"].append(invoice)
    st.data["callbacks"][callback] = {"invoice_id": invoice_id, "server_id": server_id,
                                      "action": "deploy"}
    if Decimal(client["credit"]) >= Decimal(total):  # paid from credit only if it covers all
        pay_from_credit(st, client, invoice, Decimal(total))
    st.data["orders"].append({
        "id": st.next_id("order"), "invoice_id": invoice_id, "server_id": server_id,
        "client_id": client["id"], "preset": preset["name"], "location": location,
        "deploy_period": period, "total": total, "status": invoice["status"],
        "callback": callback, "post_install_callback": p.get("post_install_callback", ""),
        "params": mask(p), "date": today()})
    return {"result": "OK", "action": "order_instance", "invoice": invoice_id,
            "status": invoice["status"], "callback": callback,
            "id": server_id if st.settings["order_returns_server_id"] else 0,
            "deploy_status": "deploying" if invoice["status"] == "Paid" else "awaiting payment",
            "os_name": server["os_name"], "soft_name": server["soft_name"]}


def eq_show(st, p):
    info, _ = session(st, p)
    s = owned_server(st, info, p.get("id"), eq_scope=True)
    preset = st.preset(s["preset_id"]) or {}
    server_data = {k: s.get(k) for k in ("id", "Condition_Component", "status", "hostname",
                                         "location", "account_id", "type_billing", "preset",
                                         "os_name", "soft_name", "deploy_period", "invoice_id")}
    server_data["name"] = s.get("hostname")
    server_data["power"] = s.get("power", "on")
    return {"result": "OK", "action": "show", "server_data": server_data,
            "account_id": s["account_id"], "type_billing": s["type_billing"],
            "hardware": {k: preset.get(k) for k in ("cpu", "cpu_name", "cpu_ghz", "ram", "hdd",
                                                    "disk_type", "gpu")},
            "IP": [{"ip": s["ip"], "main_ip": 1}],
            "tags": [{"id": s["id"], "tag": "hostname", "value": s.get("hostname", ""),
                      "extra": "", "internal": 0, "component": "eq", "component_id": s["id"]}]}


def eq_update_servers(st, p):
    info, _ = session(st, p)
    mine = st.client_servers(info["client_id"])
    if info.get("scope_server") is None:
        info["servers"] = [s["id"] for s in mine]
    visible = [s for s in mine if str(s["id"]) in [str(x) for x in info["servers"]]]
    keys = {str(cb["invoice_id"]): key for key, cb in st.data["callbacks"].items()
            if any(s["id"] == cb["server_id"] for s in visible)}
    return {"result": "OK", "action": "update_servers",
            "servers": [s["id"] for s in visible], "deploy_keys": keys or [],
            "billing_servers": [{"id": s["id"], "name": s.get("hostname", ""),
                                 "status": s["Condition_Component"], "config": s["preset"]}
                                for s in visible]}


POWER_AFTER = {"on": "on", "off": "off", "reboot": "on", "reinstall": "on"}


def _start(st, server, action, **extra):
    """An asynchronous action: a key that eq_callback/check reports as running for
    `settings.action_checks` checks, then done (the change applied then). A new
    action replaces the server's pending one (its key is forgotten)."""
    for old in [k for k, cb in st.data["callbacks"].items()
                if cb["server_id"] == server["id"] and cb["action"] in POWER_AFTER]:
        del st.data["callbacks"][old]
    key = secrets.token_hex(16)
    st.data["callbacks"][key] = {"invoice_id": server.get("invoice_id"), "server_id": server["id"],
                                 "action": action, "checks_left": st.settings["action_checks"],
                                 **extra}
    return {"result": "OK", "action": action, "callback": key}


def _eq_power(action):
    def handler(st, p):
        info, _ = session(st, p)
        server = owned_server(st, info, p.get("id"), eq_scope=True)
        return _start(st, server, action)
    return handler


def eq_reinstall(st, p):
    info, _ = session(st, p)
    server = owned_server(st, info, p.get("id"), eq_scope=True)
    preset = st.preset(server["preset_id"]) or {}
    os_item = _pick(preset.get("OS"), p.get("os_id"), "OS")
    if st.settings["validate_root_pass"] and not _valid_root_pass(p.get("root_pass")):
        raise fail("root_pass does not meet the password rules")
    return _start(st, server, "reinstall", os_id=os_item["id"], os_name=os_item.get("name", ""))


def eq_list(st, p):
    info, _ = session(st, p)
    known = [str(x) for x in info["servers"]]
    out = [{"id": s["id"], "status": s["Condition_Component"], "hostname": s.get("hostname"),
            "location": s["location"]}
           for s in st.client_servers(info["client_id"]) if str(s["id"]) in known]
    return {"result": "OK", "action": "list", "servers": out}


# ---------------------------------------------------------------- eq_callback.php

def _action_progress(st, key, cb, server):
    if cb.get("checks_left", 0) > 0:
        cb["checks_left"] -= 1
        return {"result": "Not ready", "key": key}
    del st.data["callbacks"][key]
    server["power"] = POWER_AFTER[cb["action"]]
    if cb["action"] == "reinstall":
        server["os_id"], server["os_name"] = cb["os_id"], cb["os_name"]
    return {"result": "OK", "key": key, "scope": cb["action"] + "_done", "debug": "",
            "context": {"action": cb["action"], "id": str(server["id"]),
                        "location": server["location"]}}


def eq_callback_check(st, p):
    key = p.get("key")
    cb = st.data["callbacks"].get(key or "")
    if cb is None:
        raise fail("AsyncKey not found")
    server = st.server(cb["server_id"])
    if server is not None and cb["action"] in POWER_AFTER:
        return _action_progress(st, key, cb, server)
    if server is None or server["Condition_Component"] != st.settings["deploy_state"]:
        return {"result": "Not ready", "key": key}
    del st.data["callbacks"][key]
    return {"result": "OK", "key": key, "scope": "deploy_done", "debug": "",
            "context": {"action": cb["action"], "id": str(server["id"]), "ip": server["ip"],
                        "location": server["location"], "password": "censored"}}


# ---------------------------------------------------------------- api_keys.php

def _key_view(item):
    return {k: v for k, v in item.items() if k not in ("key_sha256", "client_id")}


def _api_keys_answer(action, data):
    return {"result": "OK", "module": "api_keys", "action": action, "data": data}


def api_keys_list(st, p):
    info, _ = session(st, p)
    return _api_keys_answer("list", [_key_view(k) for k in st.data["api_keys"]
                                     if k["client_id"] == info["client_id"]])


def api_keys_list_for_server(st, p):
    info, _ = session(st, p)
    server = owned_server(st, info, nested(p).get("server_id"))
    return _api_keys_answer("list_for_server", [
        _key_view(k) for k in st.data["api_keys"]
        if k["client_id"] == info["client_id"] and str(k.get("server_id")) == str(server["id"])])


def api_keys_add(st, p):
    info, _ = session(st, p)
    q = nested(p)
    if not q.get("name"):
        raise fail("params[name] is required", module="api_keys", action="add")
    server_id = None
    if q.get("server_id") not in (None, ""):
        server_id = owned_server(st, info, q["server_id"])["id"]
    plain = secrets.token_hex(16)
    item = {"id": st.next_id("api_key"), "name": q["name"], "server_id": server_id,
            "client_id": info["client_id"], "ip": q.get("ip", ""),
            "active": 0 if str(q.get("active", "1")) == "0" else 1,
            "login_notify_method": q.get("login_notify_method", "none"),
            "login_notify_address": q.get("login_notify_address", ""),
            "created": today(), "key_sha256": sha256(plain)}
    st.data["api_keys"].append(item)
    return _api_keys_answer("add", {**_key_view(item), "api_key": plain})


def api_keys_edit(st, p):
    info, _ = session(st, p)
    q = nested(p)
    for item in st.data["api_keys"]:
        if str(item["id"]) == str(q.get("id", "")) and item["client_id"] == info["client_id"]:
            if "active" in q:
                item["active"] = 0 if str(q["active"]) == "0" else 1
            for field in ("name", "ip", "login_notify_method", "login_notify_address"):
                if field in q:
                    item[field] = q[field]
            return _api_keys_answer("edit", _key_view(item))
    raise fail("API key not found", module="api_keys", action="edit")


def api_keys_delete(st, p):
    info, _ = session(st, p)
    key_id = str(nested(p).get("id", ""))
    for item in st.data["api_keys"]:
        if str(item["id"]) == key_id and item["client_id"] == info["client_id"]:
            st.data["api_keys"].remove(item)
            return _api_keys_answer("delete", {"id": item["id"]})
    raise fail("API key not found", module="api_keys", action="delete")


HANDLERS = {
    "auth": {"login": auth_login, "info": auth_info, "logout": auth_logout},
    "presets": {"info": presets_info, "list": presets_list, "show": presets_show},
    "whmcs": {"get_client": whmcs_get_client, "get_invoice": whmcs_get_invoice,
              "apply_credit": whmcs_apply_credit,
              "get_product_invoice": whmcs_get_product_invoice,
              "get_related_invoices": whmcs_get_related_invoices,
              "get_invoices": whmcs_get_invoices,
              "request_cancellation": whmcs_request_cancellation},
    "eq": {"order_instance": eq_order_instance, "show": eq_show,
           "update_servers": eq_update_servers, "list": eq_list,
           "on": _eq_power("on"), "off": _eq_power("off"), "reboot": _eq_power("reboot"),
           "reinstall": eq_reinstall},
    "eq_callback": {"check": eq_callback_check},
    "api_keys": {"list": api_keys_list, "list_for_server": api_keys_list_for_server,
                 "add": api_keys_add, "edit": api_keys_edit, "delete": api_keys_delete},
}
# The lost-answer flow in HOSTKEY's shapes (pending_flow.py), switched on by settings.
from pending_flow import register as _register_pending_flow  # noqa: E402
_register_pending_flow(HANDLERS, globals())
# Modules the real API has (§2) but the fake does not implement: answered with an error.
KNOWN_MODULES = set(HANDLERS) | {"os", "software", "traffic_plans", "stocks", "tags", "net",
                                 "ip", "pdns", "ssh_keys", "vm", "jira", "jenkins", "nat"}


def dispatch(st, module, action, params):
    actions = HANDLERS.get(module)
    handler = actions.get(action) if actions else None
    if handler is None:
        return {"code": -1, "message": f"{module}/{action}: unknown action"}
    try:
        return handler(st, params)
    except Answer as answer:
        return answer.body
