"""Data model of the fake HOSTKEY API: one JSON-able dict guarded by a lock.

Top-level keys of the state (see fixture.json):
  settings      knobs (token_ttl, deploy_state, order_returns_server_id, ...)
  counters      next ids for servers, invoices, billing accounts, api keys, ...
  accounts      API key -> {client{...WHMCS client...}, role, invapi, empty}
  presets       the catalogue, in the shape presets/info returns (RM shape)
  servers       [{id, client_id, account_id, type_billing, preset, location, ...}]
  invoices      [{id, client_id, status, total, credit, items[...], ...}]
  orders        [{id, invoice_id, server_id, params (masked), ...}]
  cancellations [{id, server_id, type, reason, ...}]
  api_keys      [{id, name, server_id, client_id, key_sha256, ...}] (plain key never kept)
  tokens        token -> {client_id, servers[], expires, scope_server}
  callbacks     async key -> {invoice_id, server_id, action}
Recorded calls and pending faults live beside it and are reset with it.
"""

import copy
import hashlib
import json
import os
import secrets
import threading
import time
from decimal import ROUND_HALF_UP, Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_FIXTURE = os.path.join(HERE, "fixture.json")

DEFAULT_SETTINGS = {
    "token_ttl": 7200,              # seconds; login's `ttl` overrides it
    "deploy_state": "rent",         # Condition_Component of a paid, "deployed" server
    "unpaid_state": "presale",      # Condition_Component while the order is unpaid
    "order_returns_server_id": False,  # real API often answers id 0 / no id
    "token_servers_frozen": True,   # eq.* only sees servers known at login/update_servers
    "validate_root_pass": True,
    "ip_prefix": "203.0.113.",
    "action_checks": 2,             # eq_callback/check answers "Not ready" this often first
    "shape": "plain",               # "hostkey": answers in HOSTKEY's own shapes (shapes.py)
}
COLLECTIONS = {
    "accounts": dict, "tokens": dict, "callbacks": dict, "presets": list, "servers": list,
    "invoices": list, "orders": list, "cancellations": list, "api_keys": list,
}
DEFAULT_COUNTERS = {"server": 100001, "invoice": 770001, "account": 55501, "api_key": 71,
                    "order": 1, "cancellation": 1, "invoice_item": 9001}


def money(value):
    return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalize(data):
    data = copy.deepcopy(data)
    data["settings"] = {**DEFAULT_SETTINGS, **data.get("settings", {})}
    data["counters"] = {**DEFAULT_COUNTERS, **data.get("counters", {})}
    for name, kind in COLLECTIONS.items():
        data.setdefault(name, kind())
    return data


def load_fixture(path=None):
    with open(path or DEFAULT_FIXTURE, encoding="utf-8") as f:
        return normalize(json.load(f))


class State:
    def __init__(self, fixture_path=None):
        self.fixture_path = fixture_path or DEFAULT_FIXTURE
        self.lock = threading.RLock()
        self.reset()

    # ---- whole-state operations (control endpoints) ----
    def reset(self, data=None):
        with self.lock:
            self.data = normalize(data) if data is not None else load_fixture(self.fixture_path)
            self.calls = []
            self.faults = []

    def snapshot(self):
        with self.lock:
            out = copy.deepcopy(self.data)
            out["calls"] = copy.deepcopy(self.calls)
            out["faults"] = copy.deepcopy(self.faults)
            return out

    def record_call(self, entry):
        with self.lock:
            entry = {"seq": len(self.calls) + 1, "time": round(time.time(), 3), **entry}
            self.calls.append(entry)
            return entry

    def add_fault(self, fault):
        with self.lock:
            self.faults.append(fault)

    def take_fault(self, module, action, params=None):
        """Return the first fault matching module/action (and the call's `id`
        when the fault names one) and count one use of it."""
        with self.lock:
            for fault in self.faults:
                if fault.get("module") not in (None, "*", module):
                    continue
                if fault.get("action") not in (None, "*", action):
                    continue
                if "id" in fault and str((params or {}).get("id")) != str(fault["id"]):
                    continue
                times = fault.get("times", 1)
                if times > 0:
                    fault["times"] = times - 1
                    if fault["times"] == 0:
                        self.faults.remove(fault)
                return copy.deepcopy(fault)
            return None

    # ---- helpers for handlers (call with the lock held) ----
    @property
    def settings(self):
        return self.data["settings"]

    def next_id(self, counter):
        value = self.data["counters"][counter]
        self.data["counters"][counter] = value + 1
        return value

    def account_for_key(self, key):
        """(api_key_of_account, account, scope_server) for an account key or a per-server key."""
        account = self.data["accounts"].get(key)
        if account is not None:
            return key, account, None
        digest = sha256(key)
        for item in self.data["api_keys"]:
            if item.get("key_sha256") == digest and item.get("active", 1):
                acc_key, account = self.account_by_client(item["client_id"])
                if account is not None:
                    return acc_key, account, item.get("server_id")
        return None, None, None

    def account_by_client(self, client_id):
        for key, account in self.data["accounts"].items():
            if account["client"]["id"] == client_id:
                return key, account
        return None, None

    def client_servers(self, client_id):
        return [s for s in self.data["servers"] if s["client_id"] == client_id]

    def server(self, server_id):
        for s in self.data["servers"]:
            if str(s["id"]) == str(server_id):
                return s
        return None

    def invoice(self, invoice_id):
        for inv in self.data["invoices"]:
            if str(inv["id"]) == str(invoice_id):
                return inv
        return None

    def preset(self, name_or_id):
        for p in self.data["presets"]:
            if p.get("name") == name_or_id or str(p.get("id")) == str(name_or_id):
                return p
        return None

    def new_token(self, client_id, servers, ttl, scope_server=None):
        token = secrets.token_hex(16)
        expires = int(time.time()) + int(ttl)
        self.data["tokens"][token] = {"client_id": client_id, "servers": servers,
                                      "expires": expires, "scope_server": scope_server}
        return token, expires

    def token(self, token):
        info = self.data["tokens"].get(token or "")
        if info is None:
            return None
        if info["expires"] <= time.time():
            del self.data["tokens"][token]
            return None
        return info

    def expire_tokens(self):
        with self.lock:
            count = len(self.data["tokens"])
            for info in self.data["tokens"].values():
                info["expires"] = 0
            return count
