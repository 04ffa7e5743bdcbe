"""Margin loans: how much may be borrowed, borrowing, repaying and hourly interest.

Shared by the margin routes and by margin orders placed with ``loanType=autoLoan``/``autoRepay``.
Bitget charges the first hour's interest when the loan is taken and then every hour; the
simulator does the same in market time (``Simulator.advance``).  Cross margin allows 3x,
isolated margin 5x: the value borrowed may reach equity times (leverage - 1).
"""

from __future__ import annotations

from decimal import Decimal

from ._catalog import COINS, SPOT
from ._ledger import InterestRecord, Loan, Repayment, Wallet
from ._state import Account, Exchange
from ._wire import D0, SimError, quant

__all__ = ["accrue_interest", "borrow", "daily_rate", "max_borrowable", "repay", "wallet_coins"]

_DAILY_RATES = {"USDT": Decimal("0.0003"), "USDC": Decimal("0.0003"), "BTC": Decimal("0.0001"), "ETH": Decimal("0.0001")}
_DEFAULT_DAILY_RATE = Decimal("0.0002")
_LEVERAGE = {"crossed": Decimal(3), "isolated": Decimal(5)}


def daily_rate(coin: str) -> Decimal:
    return _DAILY_RATES.get(coin, _DEFAULT_DAILY_RATE)


def hourly_interest(coin: str, principal: Decimal) -> Decimal:
    return quant(principal * daily_rate(coin) / 24, 8, up=True)


def wallet_coins(wallet_key: str) -> tuple[str, ...]:
    """Coins a margin wallet may hold: any for cross margin, base and quote for isolated."""
    if wallet_key.startswith("isolated_margin:"):
        pair = SPOT[wallet_key.split(":", 1)[1]]
        return (pair.base, pair.quote)
    return COINS


def _mode(wallet_key: str) -> str:
    return "isolated" if wallet_key.startswith("isolated_margin:") else "crossed"


def equity(ex: Exchange, wallet: Wallet) -> Decimal:
    """Net value in USDT: holdings minus debt."""
    return sum(
        (
            ex.usdt_value(c, wallet.free(c) + wallet.locked(c) - wallet.debt(c))
            for c in wallet.coins()
        ),
        D0,
    )


def max_borrowable(ex: Exchange, account: Account, wallet_key: str, coin: str) -> Decimal:
    wallet = account.wallet(wallet_key)
    debt_value = sum((ex.usdt_value(c, wallet.debt(c)) for c in wallet.coins()), D0)
    room = equity(ex, wallet) * (_LEVERAGE[_mode(wallet_key)] - 1) - debt_value
    unit = ex.usdt_value(coin, Decimal(1))
    if room <= 0 or unit <= 0:
        return D0
    return quant(room / unit, 8)


def _checked_wallet(
    account: Account, wallet_key: str, coin: str, amount: Decimal, not_positive: tuple[str, str]
) -> Wallet:
    """The margin wallet a borrow or repay moves ``coin`` in, once the coin belongs to it and
    ``amount`` is positive (else 50032 / 50039, or the route's own ``not_positive`` error)."""
    if coin not in COINS:
        raise SimError("50032", "The currency does not exist")
    if coin not in wallet_coins(wallet_key):
        raise SimError("50039", "The currency and the trading pair do not match")
    if amount <= 0:
        raise SimError(*not_positive)
    return account.wallet(wallet_key)


def borrow(
    ex: Exchange, account: Account, wallet_key: str, coin: str, amount: Decimal, now: int, kind: str = "manual_loan"
) -> Loan:
    wallet = _checked_wallet(account, wallet_key, coin, amount, ("50034", "The borrowing amount must be over 0.00000001"))
    if amount > max_borrowable(ex, account, wallet_key, coin):
        raise SimError("50035", "The maximum borrowing amount is exceeded")
    wallet.credit(coin, amount)
    wallet.borrowed[coin] = wallet.borrowed.get(coin, D0) + amount
    loan = Loan(ex.ids.next(), wallet_key, coin, amount, kind, now)
    account.loans.append(loan)
    _charge(ex, account, wallet_key, coin, hourly_interest(coin, amount), "first", now)
    return loan


def _charge(ex: Exchange, account: Account, wallet_key: str, coin: str, amount: Decimal, kind: str, now: int) -> None:
    wallet = account.wallet(wallet_key)
    wallet.interest[coin] = wallet.interest.get(coin, D0) + amount
    account.interest_records.append(
        InterestRecord(ex.ids.next(), wallet_key, coin, daily_rate(coin), amount, kind, now)
    )


def repay(
    ex: Exchange, account: Account, wallet_key: str, coin: str, amount: Decimal, now: int, kind: str = "manual_repay"
) -> Repayment:
    """Pay interest first, then principal; at most the whole debt."""
    wallet = _checked_wallet(account, wallet_key, coin, amount, ("50040", "The repayment amount must be more than 0"))
    debt = wallet.debt(coin)
    if debt <= 0:
        raise SimError("50040", f"There is no {coin} debt to repay")
    if amount > wallet.free(coin):
        raise SimError("50041", "The repayment amount must be less than your available balance")
    pay = min(amount, debt)
    wallet.debit(coin, pay)
    interest = min(pay, wallet.interest.get(coin, D0))
    principal = pay - interest
    wallet.interest[coin] = wallet.interest.get(coin, D0) - interest
    wallet.borrowed[coin] = wallet.borrowed.get(coin, D0) - principal
    record = Repayment(ex.ids.next(), wallet_key, coin, pay, interest, principal, kind, now)
    account.repayments.append(record)
    return record


def accrue_interest(ex: Exchange, account: Account, now: int) -> None:
    """One hour of interest on every outstanding loan of the account."""
    for key, wallet in account.wallets.items():
        if not key.endswith("margin") and not key.startswith("isolated_margin:"):
            continue
        for coin, principal in sorted(wallet.borrowed.items()):
            if principal > 0:
                _charge(ex, account, key, coin, hourly_interest(coin, principal), "scheduled", now)
