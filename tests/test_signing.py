"""Golden tests for ``bitget_async.signing``: the prehash, HMAC and RSA signatures, the query encoder.

Expected signatures are computed here independently (``hmac``/``base64`` from the standard
library, and literal values produced with ``openssl dgst -sha256 -hmac ... -binary | base64``),
so a shared mistake between the library and the test cannot hide.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import sys
import urllib.parse

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from bitget_async.signing import (
    HmacSigner,
    RsaSigner,
    encode_query,
    hmac_sign,
    prehash,
    rsa_sign,
)

SECRET = "test-secret-0123456789"
TS = "1700000000000"


def reference_hmac(secret: str, message: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem_of(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


# -- prehash ---------------------------------------------------------------------------------


def test_prehash_get_without_query_has_no_question_mark() -> None:
    assert prehash(TS, "GET", "/api/v2/public/time") == "1700000000000GET/api/v2/public/time"
    assert prehash(TS, "GET", "/api/v2/public/time", "", "") == "1700000000000GET/api/v2/public/time"


def test_prehash_get_with_query() -> None:
    got = prehash(TS, "GET", "/api/v2/spot/account/assets", "coin=USDT&assetType=hold_only")
    assert got == "1700000000000GET/api/v2/spot/account/assets?coin=USDT&assetType=hold_only"


def test_prehash_uppercases_method_and_appends_body() -> None:
    got = prehash(TS, "post", "/api/v2/spot/trade/place-order", "", '{"symbol":"BTCUSDT"}')
    assert got == '1700000000000POST/api/v2/spot/trade/place-order{"symbol":"BTCUSDT"}'


def test_prehash_post_with_query_and_body() -> None:
    got = prehash(TS, "POST", "/api/v2/x", "a=1", '{"b":"2"}')
    assert got == '1700000000000POST/api/v2/x?a=1{"b":"2"}'


# -- HMAC ------------------------------------------------------------------------------------

# (prehash, base64 HMAC-SHA256 keyed with SECRET), the signatures computed with openssl.
OPENSSL_VECTORS = [
    (
        "1700000000000GET/api/v2/spot/account/assets?coin=USDT",
        "ueKCG+34FU4XOdFK3K2X9gzmLSXw5U9pOJhFo/tZp18=",
    ),
    (
        '1700000000000POST/api/v2/spot/trade/place-order{"symbol":"BTCUSDT","side":"buy",'
        '"orderType":"limit","force":"gtc","price":"0.0000001","size":"1"}',
        "EpBPgbZCxlg7MdNqyOQXOSKJty/nuxEk09+z0qF9VsU=",
    ),
    ("1700000000000GET/api/v2/public/time", "E6Mp/R/iOGFP/xMkmpknKn2zifgRJIXFoIFjeVY1lG0="),
]


@pytest.mark.parametrize(("message", "expected"), OPENSSL_VECTORS)
def test_hmac_sign_matches_openssl(message: str, expected: str) -> None:
    assert hmac_sign(SECRET, message) == expected
    assert HmacSigner(SECRET).sign(message) == expected


def test_hmac_sign_over_hand_built_prehash() -> None:
    message = prehash(TS, "GET", "/api/v2/spot/market/tickers", "symbol=$AIUSDT")
    assert message == "1700000000000GET/api/v2/spot/market/tickers?symbol=$AIUSDT"
    assert hmac_sign(SECRET, message) == reference_hmac(SECRET, message)


def test_hmac_sign_non_ascii_is_utf8() -> None:
    message = prehash(TS, "POST", "/api/v2/x", "", '{"note":"café ✓"}')
    assert hmac_sign(SECRET, message) == reference_hmac(SECRET, message)
    assert hmac_sign("clé-é", message) == reference_hmac("clé-é", message)


def test_hmac_signer_is_reusable_and_stateless_between_calls() -> None:
    signer = HmacSigner(SECRET)
    first = signer.sign("a")
    assert signer.sign("b") == reference_hmac(SECRET, "b")
    assert signer.sign("a") == first == reference_hmac(SECRET, "a")


def test_signer_reprs_hide_the_key(rsa_key: rsa.RSAPrivateKey) -> None:
    assert repr(HmacSigner(SECRET)) == "HmacSigner(<secret hidden>)"
    assert repr(RsaSigner(pem_of(rsa_key))) == "RsaSigner(<private key hidden>)"


# -- RSA -------------------------------------------------------------------------------------


def verify_rsa(key: rsa.RSAPrivateKey, signature_b64: str, message: str) -> None:
    key.public_key().verify(
        base64.b64decode(signature_b64, validate=True),
        message.encode("utf-8"),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )


def test_rsa_sign_verifies_with_public_key(rsa_key: rsa.RSAPrivateKey) -> None:
    message = prehash(TS, "POST", "/api/v2/spot/trade/place-order", "", '{"symbol":"BTCUSDT","note":"é"}')
    pem = pem_of(rsa_key)
    signature = rsa_sign(pem, message)
    verify_rsa(rsa_key, signature, message)
    assert len(base64.b64decode(signature)) == 256  # 2048-bit key
    # PKCS#1 v1.5 is deterministic: str and bytes PEM and the reusable signer agree.
    assert rsa_sign(pem.encode("ascii"), message) == signature
    assert RsaSigner(pem).sign(message) == signature


def test_rsa_signature_does_not_verify_for_another_message(rsa_key: rsa.RSAPrivateKey) -> None:
    signature = rsa_sign(pem_of(rsa_key), "1700000000000GET/api/v2/public/time")
    with pytest.raises(InvalidSignature):
        verify_rsa(rsa_key, signature, "1700000000001GET/api/v2/public/time")


def test_rsa_accepts_traditional_openssl_pem(rsa_key: rsa.RSAPrivateKey) -> None:
    pem = rsa_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode("ascii")
    assert pem.startswith("-----BEGIN RSA PRIVATE KEY-----")
    verify_rsa(rsa_key, rsa_sign(pem, "m"), "m")


def test_rsa_refuses_garbage_without_echoing_it() -> None:
    garbage = "-----BEGIN PRIVATE KEY-----\nTOPSECRETMATERIAL\n-----END PRIVATE KEY-----\n"
    with pytest.raises(ValueError) as info:
        rsa_sign(garbage, "m")
    assert str(info.value) == "private_key is not a PEM-encoded RSA private key"
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_rsa_refuses_non_ascii_pem_without_echoing_it() -> None:
    # A UnicodeEncodeError would carry the whole input in its args.
    with pytest.raises(ValueError) as info:
        rsa_sign("-----BEGIN PRIVATE KEY-----\nSECRÉT\n", "m")
    assert type(info.value) is ValueError
    assert info.value.args == ("private_key is not a PEM-encoded RSA private key",)


def test_rsa_refuses_a_non_rsa_key() -> None:
    pem = pem_of(ec.generate_private_key(ec.SECP256R1()))
    with pytest.raises(ValueError, match=r"^private_key must be an RSA private key$"):
        rsa_sign(pem, "m")


def test_rsa_without_cryptography_gives_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, rsa_key: rsa.RSAPrivateKey
) -> None:
    pem = pem_of(rsa_key)
    # None in sys.modules makes the import fail exactly as if the extra were not installed.
    monkeypatch.setitem(sys.modules, "cryptography.hazmat.primitives", None)
    with pytest.raises(ImportError) as info:
        rsa_sign(pem, "m")
    assert str(info.value) == (
        "RSA API keys need the 'cryptography' package: pip install 'bitget-async[rsa]'"
    )


# -- query encoding --------------------------------------------------------------------------


def test_encode_query_keeps_dollar_symbols_raw() -> None:
    assert encode_query([("symbol", "$AIUSDT")]) == "symbol=$AIUSDT"


def test_encode_query_keeps_order_given() -> None:
    assert encode_query([("symbol", "BTCUSDT"), ("limit", "5"), ("after", "1")]) == (
        "symbol=BTCUSDT&limit=5&after=1"
    )
    assert encode_query([("b", "1"), ("a", "2")]) == "b=1&a=2"


def test_encode_query_unreserved_raw() -> None:
    assert encode_query([("k", "AZaz09-_.~")]) == "k=AZaz09-_.~"


def test_encode_query_escapes_separators_and_spaces() -> None:
    assert encode_query([("q", "a b&c=d+e/f,g:h?i#j%")]) == (
        "q=a%20b%26c%3Dd%2Be%2Ff%2Cg%3Ah%3Fi%23j%25"
    )
    assert encode_query([("a b", "x")]) == "a%20b=x"


def test_encode_query_non_ascii_is_utf8_percent_encoded() -> None:
    assert encode_query([("note", "café ✓")]) == "note=caf%C3%A9%20%E2%9C%93"
    assert encode_query([("s", "比特币")]) == "s=%E6%AF%94%E7%89%B9%E5%B8%81"


def test_encode_query_empty() -> None:
    assert encode_query([]) == ""
    assert encode_query([("k", "")]) == "k="
    assert prehash(TS, "GET", "/api/v2/public/time", encode_query([])) == "1700000000000GET/api/v2/public/time"


def test_encode_query_every_ascii_char_matches_urllib() -> None:
    # urllib always keeps letters, digits and "_.-~"; Bitget also takes "$" raw.
    got = {chr(c): encode_query([("k", chr(c))]) for c in range(128)}
    want = {chr(c): "k=" + urllib.parse.quote(chr(c), safe="$") for c in range(128)}
    assert got == want
    assert sum(1 for v in got.values() if "%" not in v) == 26 + 26 + 10 + 5  # letters, digits, -_.~$


def test_encode_query_mixed_values_match_urllib() -> None:
    values = ["$AIUSDT", "BTCUSDT_UMCBL", "1700000000000", "a b", "ü/ß", "😀", "x&y=z", "%41"]
    for value in values:
        assert encode_query([("v", value)]) == "v=" + urllib.parse.quote(value, safe="$", encoding="utf-8")
