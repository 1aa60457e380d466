"""PHP-style request parsing: `$_REQUEST` out of a query string and a form body.

`params[server_id]=1&ips[]=a&ips[]=b` becomes
`{"params": {"server_id": "1"}, "ips": ["a", "b"]}`. Values stay strings, as in PHP.
"""

from urllib.parse import parse_qsl

SECRET_KEYS = frozenset({"key", "token", "root_pass", "password", "api_key"})


def _split_key(key):
    """Split `a[b][]` into ("a", ["b", ""]) following PHP's rules (close enough)."""
    i = key.find("[")
    if i < 0:
        base, subs = key, []
    else:
        base, rest, subs = key[:i], key[i:], []
        while rest.startswith("["):
            j = rest.find("]")
            if j < 0:
                if not subs:  # PHP: an unclosed first bracket becomes "_"
                    base, subs = key[:i] + "_" + key[i + 1:], []
                break
            subs.append(rest[1:j])
            rest = rest[j + 1:]
    # PHP turns spaces and dots in the top-level name into underscores.
    base = base.replace(" ", "_").replace(".", "_")
    return base, subs


def _next_index(d):
    ints = [int(k) for k in d if k.lstrip("-").isdigit()]
    return str(max(ints) + 1) if ints else "0"


def _listify(node):
    if not isinstance(node, dict):
        return node
    out = {k: _listify(v) for k, v in node.items()}
    if out and list(out) == [str(n) for n in range(len(out))]:
        return list(out.values())
    return out


def parse_pairs(pairs):
    root = {}
    for key, value in pairs:
        base, subs = _split_key(key)
        if not base:
            continue  # PHP ignores keys with an empty name
        target, name = root, base
        for sub in subs:
            child = target.get(name)
            if not isinstance(child, dict):
                child = {}
                target[name] = child
            target, name = child, (sub if sub != "" else _next_index(child))
        target[name] = value
    return _listify(root)


def parse_qs_php(text):
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return parse_pairs(parse_qsl(text, keep_blank_values=True))


def merge_request(get, post):
    """PHP `$_REQUEST` with the default request_order "GP": POST wins per top-level key."""
    merged = dict(get)
    merged.update(post)
    return merged


def mask(value):
    """Copy of `value` with every secret-named entry replaced by "***"."""
    if isinstance(value, dict):
        return {k: ("***" if k in SECRET_KEYS else mask(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) for v in value]
    return value
