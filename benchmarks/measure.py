"""Measure a running Kopiena (see run.sh): list throughput vs a static file, deep pages, search.

Loopback only; every measure is bounded in time and count. Prints ratios with the absolute figures.
"""

import argparse
import gzip
import http.client
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEARCHES = [
    "ednica",
    "keramika podi",
    "bibliot",
    "kompost preil",
    "siltumnic",
    "rotallauk daugavp",
    "zzzq",
    "senioru klubs",
    "apgaismojums trotuars",
    "bisu drava aglona",
    "Ēdnīca Preiļos",
    "skol",
]


def get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept-Language": "lv"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def hammer(port, path, seconds, threads, max_requests=200_000):
    """Requests per second with `threads` clients for `seconds` (or max_requests); (rate, errors)."""
    done, errors = [0], [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client():
        while time.monotonic() < stop_at:
            try:
                status, _body = get(port, path)
                ok = status == 200
            except OSError:
                ok = False
            with lock:
                if ok:
                    done[0] += 1
                else:
                    errors[0] += 1
                if done[0] + errors[0] >= max_requests:
                    return

    started = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return done[0] / (time.monotonic() - started), errors[0]


def latencies(port, paths, rounds):
    """Per path, the latencies (ms) of `rounds` sequential requests, the paths interleaved."""
    results = {path: [] for path in paths}
    for _ in range(rounds):
        for path in paths:
            started = time.perf_counter()
            status, _body = get(port, path)
            results[path].append((time.perf_counter() - started) * 1000)
            assert status == 200, (path, status)
    return results


def p95(values):
    return statistics.quantiles(values, n=20)[18]


def worker_rss_mb(master_pid):
    """Resident memory of each gunicorn worker (the master's children), in MB (Linux /proc)."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid) and "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sizes


def deep_cursor(position):
    """The cursor of the default list after `position` ideas (computed once with OFFSET; the app never does)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.ideas.list_queries import encode_cursor
    from app.ideas.models import Idea, IdeaState

    row = db.session.execute(
        select(Idea.published_at, Idea.id)
        .where(Idea.state.in_((IdeaState.PUBLISHED, IdeaState.PROMOTED)))
        .order_by(Idea.published_at.desc(), Idea.id.desc())
        .offset(position - 1)
        .limit(1)
    ).one()
    return encode_cursor("newest", "next", row.published_at, row.id)


def search_times(queries_module, rounds):
    """{search: [ms, …]} for the first page of the default list with each search."""
    from app.ideas.list_queries import IdeaFilters

    times = {text: [] for text in SEARCHES}
    for _ in range(rounds):
        for text in SEARCHES:
            started = time.perf_counter()
            queries_module.list_ideas(IdeaFilters(q=text))
            times[text].append((time.perf_counter() - started) * 1000)
    return times


def flat(times):
    return [value for values in times.values() for value in values]


def matches_share(text):
    """The share of all ideas whose text has every word of the search (at a word's start)."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.ideas.list_queries import search_condition, search_terms
    from app.ideas.models import Idea

    total = db.session.scalar(select(func.count()).select_from(Idea))
    found = db.session.scalar(select(func.count()).select_from(Idea).where(search_condition(search_terms(text))))
    return found / total


def measure_search(fts_rounds, like_rounds):
    """p95 of the list query with a search: the full-text index vs LIKE on the same folded text."""
    from app.ideas import list_queries
    from app.ideas.models import Idea

    search_times(list_queries, 1)  # warm the caches
    fts = search_times(list_queries, fts_rounds)
    original = list_queries.search_condition

    def like_condition(terms):
        from sqlalchemy import and_

        return and_(*(Idea.search_text.like(f"%{term}%") for term in terms))

    list_queries.search_condition = like_condition
    try:
        search_times(list_queries, 1)
        like = search_times(list_queries, like_rounds)
    finally:
        list_queries.search_condition = original
    return fts, like


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--static-dir", required=True)
    parser.add_argument("--master-pid", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    from app import create_app
    from app.extensions import db

    app = create_app("development")
    with app.app_context():
        ideas_total = db.session.execute(db.text("SELECT count(*) FROM ideas")).scalar()
        deep = "/ideas?cursor=" + quote(deep_cursor(50_000))
        db.session.remove()

    status, page = get(args.port, "/ideas")
    assert status == 200, status
    static_name = "ideas-page-1.html"
    (Path(args.static_dir) / static_name).write_bytes(page)
    static = f"/bench-static/{static_name}"
    status, copy = get(args.port, static)
    assert status == 200 and copy == page
    status, deep_page = get(args.port, deep)
    assert status == 200 and deep_page.count(b'class="idea-card"') == 20, "the deep page should be full"

    print(
        f"Kopiena benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}, {ideas_total} ideas, gunicorn -w 2 (sync)"
    )
    print()
    for path in ("/ideas", static, deep):  # warm up
        hammer(args.port, path, 1, args.threads)

    page_rate, page_errors = hammer(args.port, "/ideas", args.seconds, args.threads)
    static_rate, static_errors = hammer(args.port, static, args.seconds, args.threads)
    health_rate, health_errors = hammer(args.port, "/healthz", args.seconds / 2, args.threads)
    print(f"/ideas page 1 throughput        {page_rate:9.1f} req/s   ({len(page) / 1024:.1f} kB, {page_errors} errors)")
    print(f"static copy, same server        {static_rate:9.1f} req/s   ({static_errors} errors)")
    print(f"  ratio (goal >= 0.33)          {page_rate / static_rate:9.2f}")
    print(f"for reference: /healthz         {health_rate:9.1f} req/s   (Flask's smallest answer; {health_errors} errors)")
    print()

    timings = latencies(args.port, ["/ideas", deep], args.rounds)
    first, deep_median = statistics.median(timings["/ideas"]), statistics.median(timings[deep])
    print(f"page 1 median latency           {first:9.2f} ms")
    print(f"deep page (item 50,000) median  {deep_median:9.2f} ms")
    print(f"  ratio (goal <= 1.5)           {deep_median / first:9.2f}")
    print()

    with app.app_context():
        by_search, like_by_search = measure_search(fts_rounds=20, like_rounds=3)
        share = {text: matches_share(text) for text in SEARCHES}
    fts, like = flat(by_search), flat(like_by_search)
    print(
        f"search p95, full-text index     {p95(fts):9.2f} ms   (goal <= 50 ms; median {statistics.median(fts):.2f} ms, "
        f"{len(fts)} searches)"
    )
    print(
        f"search p95, LIKE                {p95(like):9.2f} ms   (median {statistics.median(like):.2f} ms, {len(like)} searches)"
    )
    median_ratio = statistics.median(like) / statistics.median(fts)
    print(f"  LIKE / full-text (goal >= 10) {p95(like) / p95(fts):9.1f}   (of the medians: {median_ratio:.1f})")
    print("  per search: median full-text / LIKE, share of the ideas it matches")
    for text in SEARCHES:
        print(
            f"    {text!r:26} {statistics.median(by_search[text]):7.2f} / {statistics.median(like_by_search[text]):7.2f} ms"
            f"   {share[text]:4.0%}"
        )
    print()

    print(f"list page gzip / raw            {len(gzip.compress(page)) / len(page):9.2f}   (goal <= 0.33)")
    rss = worker_rss_mb(args.master_pid)
    print(f"gunicorn worker RSS after load  {', '.join(f'{size:.0f}' for size in rss)} MB   (goal <= 120 MB)")


if __name__ == "__main__":
    main()
