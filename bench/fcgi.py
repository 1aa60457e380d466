"""A minimal FastCGI client (one request per connection, no keep-alive):
what a web server does to ask PHP-FPM for a page. Standard library only."""

import socket
import struct

FCGI_VERSION = 1
BEGIN_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT, STDERR = 1, 3, 4, 5, 6, 7
RESPONDER = 1


def _record(kind, request_id, content=b""):
    return struct.pack(">BBHHBx", FCGI_VERSION, kind, request_id, len(content), 0) + content


def _pair(name, value):
    def length(n):
        return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)

    name, value = name.encode(), value.encode()
    return length(len(name)) + length(len(value)) + name + value


def request(sock_path, script, query="", timeout=120.0):
    """GET `script?query` from the FPM pool listening on `sock_path`.
    Returns (headers + body bytes, stderr bytes)."""
    params = {
        "GATEWAY_INTERFACE": "FastCGI/1.0",
        "REQUEST_METHOD": "GET",
        "SCRIPT_FILENAME": script,
        "SCRIPT_NAME": "/" + script.rsplit("/", 1)[-1],
        "QUERY_STRING": query,
        "REQUEST_URI": "/" + script.rsplit("/", 1)[-1] + ("?" + query if query else ""),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": "0",
    }
    body = b"".join(_pair(k, v) for k, v in params.items())
    out, err = b"", b""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(sock_path)
        s.sendall(
            _record(BEGIN_REQUEST, 1, struct.pack(">HB5x", RESPONDER, 0))
            + _record(PARAMS, 1, body)
            + _record(PARAMS, 1)
            + _record(STDIN, 1)
        )
        buffer = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            buffer += chunk
            while len(buffer) >= 8:
                _, kind, _, length, padding = struct.unpack(">BBHHBx", buffer[:8])
                if len(buffer) < 8 + length + padding:
                    break
                content = buffer[8:8 + length]
                buffer = buffer[8 + length + padding:]
                if kind == STDOUT:
                    out += content
                elif kind == STDERR:
                    err += content
                elif kind == END_REQUEST:
                    return out, err
    return out, err


def body_of(response):
    """The body of a CGI response (after the blank line ending the headers)."""
    head, _, body = response.partition(b"\r\n\r\n")
    return body if _ else head
