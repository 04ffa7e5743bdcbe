"""What the simulated exchange lists: spot pairs, futures contracts and their trading rules.

Immutable data.  Every instrument shares one price path per base coin (``BTCUSDT`` spot, the
``BTCUSDT`` USDT-M perpetual and the ``BTCPERP`` USDC-M perpetual all follow the BTC path), so
spot and futures prices agree the way they do on the real exchange.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from types import MappingProxyType
from typing import Final

from ._wire import SimError

__all__ = [
    "CONTRACTS",
    "PRODUCT_WALLET",
    "SPOT",
    "Contract",
    "Instrument",
    "SpotPair",
    "contract",
    "spot_pair",
]


@dataclasses.dataclass(frozen=True)
class Instrument:
    """One base coin's market: where its price starts and how finely it is quoted."""

    base: str
    start: Decimal  # price at simulator time zero, in USDT
    price_scale: int  # decimals of a price
    qty_scale: int  # decimals of a base-coin quantity
    max_leverage: int

    @property
    def tick(self) -> Decimal:
        return Decimal(1).scaleb(-self.price_scale)

    @property
    def lot(self) -> Decimal:
        return Decimal(1).scaleb(-self.qty_scale)


@dataclasses.dataclass(frozen=True)
class SpotPair:
    symbol: str
    inst: Instrument
    quote: str = "USDT"
    min_notional: Decimal = Decimal(1)  # minTradeUSDT
    maker_fee: Decimal = Decimal("0.001")
    taker_fee: Decimal = Decimal("0.001")

    @property
    def base(self) -> str:
        return self.inst.base


@dataclasses.dataclass(frozen=True)
class Contract:
    symbol: str
    product: str
    inst: Instrument
    margin_coin: str
    min_notional: Decimal = Decimal(5)  # minTradeUSDT
    maker_fee: Decimal = Decimal("0.0002")
    taker_fee: Decimal = Decimal("0.0006")
    maintenance_rate: Decimal = Decimal("0.004")

    @property
    def base(self) -> str:
        return self.inst.base


def _inst(base: str, start: str, price_scale: int, qty_scale: int, max_leverage: int = 50) -> Instrument:
    return Instrument(base, Decimal(start), price_scale, qty_scale, max_leverage)


# Sixty liquid coins, priced roughly where they traded; enough for a 50-symbol collection demo.
_INSTRUMENTS: Final = (
    _inst("BTC", "65000.00", 2, 6, 125),
    _inst("ETH", "3400.00", 2, 4, 100),
    _inst("SOL", "150.000", 3, 3, 75),
    _inst("XRP", "0.52000", 5, 2, 75),
    _inst("DOGE", "0.150000", 6, 1, 75),
    _inst("ADA", "0.45000", 5, 2),
    _inst("AVAX", "35.000", 3, 3),
    _inst("DOT", "7.0000", 4, 3),
    _inst("LINK", "15.000", 3, 3),
    _inst("POL", "0.50000", 5, 2),
    _inst("LTC", "80.000", 3, 4),
    _inst("BCH", "450.00", 2, 4),
    _inst("TRX", "0.120000", 6, 1),
    _inst("TON", "6.0000", 4, 2),
    _inst("SHIB", "0.00002500", 8, 0),
    _inst("UNI", "9.0000", 4, 3),
    _inst("ATOM", "8.0000", 4, 3),
    _inst("XLM", "0.110000", 6, 1),
    _inst("ETC", "26.000", 3, 3),
    _inst("FIL", "5.5000", 4, 3),
    _inst("APT", "9.0000", 4, 3),
    _inst("ARB", "1.10000", 5, 2),
    _inst("OP", "2.3000", 4, 2),
    _inst("NEAR", "6.0000", 4, 2),
    _inst("ICP", "12.000", 3, 3),
    _inst("HBAR", "0.080000", 6, 1),
    _inst("VET", "0.030000", 6, 0),
    _inst("INJ", "25.000", 3, 3),
    _inst("SUI", "1.10000", 5, 2),
    _inst("SEI", "0.50000", 5, 1),
    _inst("TIA", "9.0000", 4, 3),
    _inst("RENDER", "8.0000", 4, 3),
    _inst("IMX", "2.0000", 4, 2),
    _inst("AAVE", "100.00", 2, 4),
    _inst("MKR", "2800.0", 1, 5),
    _inst("GRT", "0.25000", 5, 1),
    _inst("ALGO", "0.18000", 5, 1),
    _inst("SAND", "0.45000", 5, 1),
    _inst("MANA", "0.45000", 5, 1),
    _inst("AXS", "7.0000", 4, 3),
    _inst("EGLD", "40.000", 3, 3),
    _inst("THETA", "2.0000", 4, 2),
    _inst("XTZ", "1.0000", 4, 2),
    _inst("EOS", "0.80000", 5, 2),
    _inst("FLOW", "0.90000", 5, 2),
    _inst("KAVA", "0.70000", 5, 2),
    _inst("CRV", "0.45000", 5, 2),
    _inst("SNX", "3.0000", 4, 2),
    _inst("COMP", "55.000", 3, 4),
    _inst("DYDX", "2.0000", 4, 2),
    _inst("LDO", "2.0000", 4, 2),
    _inst("PEPE", "0.0000090000", 10, 0),
    _inst("WIF", "2.5000", 4, 2),
    _inst("BONK", "0.0000200000", 10, 0),
    _inst("JUP", "1.00000", 5, 2),
    _inst("PYTH", "0.40000", 5, 1),
    _inst("ORDI", "40.000", 3, 3),
    _inst("STX", "2.0000", 4, 2),
    _inst("BGB", "1.0000", 4, 2),
    _inst("ENA", "0.80000", 5, 2),
    _inst("WLD", "5.0000", 4, 2),
)

SPOT: Final = MappingProxyType({f"{i.base}USDT": SpotPair(f"{i.base}USDT", i) for i in _INSTRUMENTS})
"""Spot pairs by symbol (all quoted in USDT)."""

_BY_BASE: Final = {i.base: i for i in _INSTRUMENTS}
CONTRACTS: Final = MappingProxyType(
    {
        "USDT-FUTURES": MappingProxyType(
            {f"{i.base}USDT": Contract(f"{i.base}USDT", "USDT-FUTURES", i, "USDT") for i in _INSTRUMENTS}
        ),
        "USDC-FUTURES": MappingProxyType(
            {
                f"{b}PERP": Contract(f"{b}PERP", "USDC-FUTURES", _BY_BASE[b], "USDC")
                for b in ("BTC", "ETH", "SOL", "XRP", "DOGE")
            }
        ),
        # Coin-margined (inverse) contracts are not simulated: the product type lists nothing.
        "COIN-FUTURES": MappingProxyType({}),
    }
)
"""Futures contracts by product type, then symbol."""

PRODUCT_WALLET: Final = MappingProxyType(
    {"USDT-FUTURES": "usdt_futures", "USDC-FUTURES": "usdc_futures", "COIN-FUTURES": "coin_futures"}
)
"""Which account (``fromType``/``toType`` name in transfers) holds a product type's margin."""

COINS: Final = ("USDT", "USDC", *(i.base for i in _INSTRUMENTS))
"""Every coin the simulator knows (deposits, transfers, margin loans)."""


def _canonical(value: str) -> str:
    return value.strip().upper()


def spot_pair(symbol: str) -> SpotPair:
    """The spot pair or Bitget's "does not exist" answer (40034)."""
    pair = SPOT.get(_canonical(symbol))
    if pair is None:
        raise SimError("40034", f"Parameter {symbol} does not exist")
    return pair


def contract(product: str, symbol: str) -> Contract:
    """The contract of a product type or Bitget's "does not exist" answer (40034)."""
    found = CONTRACTS.get(_canonical(product), MappingProxyType({})).get(_canonical(symbol))
    if found is None:
        raise SimError("40034", f"Parameter {symbol} does not exist")
    return found
