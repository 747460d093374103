# SPDX-License-Identifier: Apache-2.0
"""A self-hosted CAPTCHA for the public check page: a small sum drawn as a noisy PNG on the server.

No third-party service and no JavaScript. The token is signed (the secret key), expires after
settings.LOOKUP_CAPTCHA_MAX_AGE seconds and is accepted once: the first attempt, right or wrong,
uses it up. The token carries only a keyed hash of the answer, never the answer.
"""
import base64
import hmac
import secrets
import struct
import zlib
from dataclasses import dataclass
from hashlib import sha256

from django.conf import settings
from django.core import signing
from django.core.cache import cache

_SALT = "shailoo.lookup.captcha"
_USED = "captcha-used:"

# 5×7 glyphs: the digits and the plus sign.
_GLYPHS = {
    "0": ["01110", "10001", "10011", "10101", "11001", "10001", "01110"],
    "1": ["00100", "01100", "00100", "00100", "00100", "00100", "01110"],
    "2": ["01110", "10001", "00001", "00010", "00100", "01000", "11111"],
    "3": ["11110", "00001", "00001", "01110", "00001", "00001", "11110"],
    "4": ["00010", "00110", "01010", "10010", "11111", "00010", "00010"],
    "5": ["11111", "10000", "11110", "00001", "00001", "10001", "01110"],
    "6": ["00110", "01000", "10000", "11110", "10001", "10001", "01110"],
    "7": ["11111", "00001", "00010", "00100", "01000", "01000", "01000"],
    "8": ["01110", "10001", "10001", "01110", "10001", "10001", "01110"],
    "9": ["01110", "10001", "10001", "01111", "00001", "00010", "01100"],
    "+": ["00000", "00100", "00100", "11111", "00100", "00100", "00000"],
    "=": ["00000", "00000", "11111", "00000", "11111", "00000", "00000"],
    "?": ["01110", "10001", "00001", "00010", "00100", "00000", "00100"],
}
WIDTH, HEIGHT, SCALE = 220, 64, 4


@dataclass(frozen=True)
class Challenge:
    token: str
    image_data_uri: str


def _answer_hash(nonce: str, answer: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{_SALT}:{nonce}:{answer}".encode(), sha256).hexdigest()


def new_challenge() -> Challenge:
    first, second = 10 + secrets.randbelow(40), 1 + secrets.randbelow(9)
    nonce = secrets.token_urlsafe(12)
    token = signing.dumps({"n": nonce, "h": _answer_hash(nonce, str(first + second))}, salt=_SALT)
    png = render_png(f"{first}+{second}=?")
    return Challenge(token=token, image_data_uri="data:image/png;base64," + base64.b64encode(png).decode())


def solve(token: str, answer: str) -> bool:
    """True once for the right answer to a valid, unexpired, unused token."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=settings.LOOKUP_CAPTCHA_MAX_AGE)
        nonce, expected = str(data["n"]), str(data["h"])
    except (signing.BadSignature, KeyError, TypeError):
        return False
    if not cache.add(_USED + nonce, 1, settings.LOOKUP_CAPTCHA_MAX_AGE + 60):
        return False  # already used
    given = answer.strip()[:6]
    return given.isascii() and given.isdigit() and hmac.compare_digest(expected, _answer_hash(nonce, str(int(given))))


def render_png(text: str) -> bytes:
    """Draw `text` with jittered, sheared glyphs over noise: a grey-scale PNG."""
    pixels = bytearray([235]) * (WIDTH * HEIGHT)
    # speckle
    for _ in range(WIDTH * HEIGHT // 9):
        pixels[secrets.randbelow(WIDTH * HEIGHT)] = 120 + secrets.randbelow(100)
    x = 10
    for character in text:
        glyph = _GLYPHS[character]
        top = 8 + secrets.randbelow(14)
        shear = (secrets.randbelow(5) - 2) / 10
        shade = secrets.randbelow(70)
        for row, bits in enumerate(glyph):
            for column, bit in enumerate(bits):
                if bit != "1":
                    continue
                for dy in range(SCALE):
                    for dx in range(SCALE):
                        py = top + row * SCALE + dy
                        px = x + column * SCALE + dx + int(shear * (row * SCALE + dy - 14))
                        if 0 <= px < WIDTH and 0 <= py < HEIGHT:
                            pixels[py * WIDTH + px] = shade
        x += 5 * SCALE + 4 + secrets.randbelow(5)
    # two crossing lines through the text
    for _ in range(2):
        y0, y1 = secrets.randbelow(HEIGHT), secrets.randbelow(HEIGHT)
        for px in range(WIDTH):
            py = y0 + (y1 - y0) * px // WIDTH
            for thickness in (0, 1):
                if 0 <= py + thickness < HEIGHT:
                    pixels[(py + thickness) * WIDTH + px] = 60
    raw = b"".join(b"\x00" + bytes(pixels[row * WIDTH:(row + 1) * WIDTH]) for row in range(HEIGHT))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 0, 0, 0, 0)  # 8-bit grey, no interlace
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
