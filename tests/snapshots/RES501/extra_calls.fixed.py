# reslint-test: rules.RES501.extra-async-calls = ["vendor.client.fetch", "payments.sdk.charge"]
"""`extra-async-calls` names coroutine functions of libraries the rule cannot see into."""

import payments.sdk
import vendor.client
from payments import sdk
from vendor.client import fetch
from vendor.client import fetch as vendor_fetch
from vendor.client import fetch_all


async def refresh_inventory(sku):
    await fetch(f"/inventory/{sku}")  # expect: RES501


async def refresh_aliased(sku):
    await vendor_fetch(f"/inventory/{sku}")  # expect: RES501


async def refresh_qualified(sku):
    await vendor.client.fetch(  # expect: RES501
        f"/inventory/{sku}",
        priority="low",
    )


async def refresh_awaited(sku):
    return await fetch(f"/inventory/{sku}")


async def refresh_everything():
    # fetch_all is not in the list: the rule cannot tell what it returns
    fetch_all("/inventory")


async def checkout(card, amount_cents):
    await payments.sdk.charge(card, amount_cents)  # expect: RES501
    return {"status": "pending"}


async def checkout_module_alias(card, amount_cents):
    receipt = sdk.charge(card, amount_cents)  # expect: RES501
    return {"status": "pending"}


async def checkout_awaited(card, amount_cents):
    receipt = await sdk.charge(card, amount_cents)
    return {"status": "paid", "receipt": receipt}
