# reslint-test: rules.RES303.cancellation-exceptions = ["gevent.GreenletExit", "jobs.runtime.JobCancelled"]
"""`cancellation-exceptions` adds a code base's own cancellation classes."""

import asyncio

import gevent
from jobs.runtime import JobCancelled
from jobs.runtime import JobFailed


async def run_step(step):
    try:
        await step.execute()
    except JobCancelled:  # expect: RES303
        await step.mark("cancelled")
        raise


async def bridge(greenlet):
    try:
        await asyncio.to_thread(greenlet.join)
    except gevent.GreenletExit:  # expect: RES303
        raise


async def run_step_reraise(step):
    try:
        await step.execute()
    except JobCancelled:
        await step.mark("cancelled")
        raise
    except JobFailed:
        await step.mark("failed")


async def still_default(step):
    try:
        await step.execute()
    except asyncio.CancelledError:  # expect: RES303
        raise


def sync_step(step):
    try:
        step.execute_sync()
    except JobCancelled:
        pass
