"""Coroutine functions defined in this module, called and dropped: their body never runs."""

import logging

from aiohttp import web

logger = logging.getLogger(__name__)


async def record_audit(db, user_id, action):
    await db.execute(
        "INSERT INTO audit_log (user_id, action) VALUES ($1, $2)",
        user_id,
        action,
    )


async def invalidate_cache(cache, key):
    await cache.delete(key)


async def delete_account(request):
    user_id = request.match_info["user_id"]
    db = request.app["db"]
    await db.execute("DELETE FROM users WHERE id = $1", user_id)
    await record_audit(db, user_id, "delete")  # expect: RES501
    await invalidate_cache(  # expect: RES501
        request.app["cache"],
        f"user:{user_id}",
    )
    return web.json_response({"deleted": user_id})


async def rename_account(request):
    payload = await request.json()
    await request.app["db"].execute(
        "UPDATE users SET name = $1 WHERE id = $2", payload["name"], payload["id"]
    )
    if payload.get("notify"):
        # defined further down the module: still a coroutine function when this runs
        await send_rename_email(request.app["mailer"], payload["email"], payload["name"])  # expect: RES501
    return web.json_response({"ok": True})


async def upload_avatar(request):
    tmp_path = await save_to_tmp(request)
    try:
        await request.app["storage"].put(f"avatars/{request.match_info['user_id']}", tmp_path)
    finally:
        await remove_tmp(tmp_path)  # expect: RES501
    return web.Response(status=204)


async def crawl(session, urls):
    pages = {}

    async def fetch_one(url):
        async with session.get(url) as response:
            pages[url] = await response.text()

    for url in urls:
        await fetch_one(url)  # expect: RES501
    return pages


class ReportHandler:
    def __init__(self, db):
        self.db = db

    async def post(self, request):
        report = await request.json()
        await self.db.execute("INSERT INTO reports (body) VALUES ($1)", report)
        # a module-level coroutine function, reached from a method
        await record_audit(self.db, report["author"], "report")  # expect: RES501
        return web.json_response({"ok": True}, status=201)


async def send_rename_email(mailer, address, name):
    await mailer.send(address, subject="Your name was changed", body=f"Hello {name}")


async def save_to_tmp(request):
    reader = await request.multipart()
    part = await reader.next()
    path = f"/tmp/{part.filename}"
    with open(path, "wb") as fh:
        while chunk := await part.read_chunk():
            fh.write(chunk)
    return path


async def remove_tmp(path):
    logger.debug("removing %s", path)
