"""Shared semantics for rules: what the code means, never what to say about it.

Where things live:

- **Analysis** (this package) holds library knowledge and generic tree helpers. Library
  knowledge is the tables of APIs (which calls wait on the network, which are coroutine
  functions, which retry library stops by default) and the recognisers that apply them to a
  tree (is this loop a retry, does this receiver carry a timeout). There is one module per
  domain and one copy of each table: HTTP in :mod:`.http`, receiver types in :mod:`.types`,
  timeouts in :mod:`.timeouts`, blocking calls in :mod:`.blocking`, async APIs in
  :mod:`.coroutines` (libcst-free, read by the project index too) and :mod:`.async_calls`,
  retries in :mod:`.retries` and the modules it names, exceptions in :mod:`.handlers`,
  :mod:`.cleanup`, :mod:`.cancellation` and :mod:`.failures`. Generic helpers walk blocks and
  nodes (:mod:`.blocks`), resolve names (:mod:`.names`), receivers (:mod:`.bindings`), arguments
  (:mod:`.calls`), callees (:mod:`.callees`) and scopes (:mod:`.scopes`). An analysis that needs
  a pass over the whole file keeps its result with ``ctx.memo``, never on the context itself.
- **A rule file** (`rules/resNNN_*.py`) holds the rule's metadata, its documentation, its
  Options, the verdict (which of the facts analysis found are a finding), the message and the
  fix. A base class that several rules of a family share (its visit hooks, message parts, fix
  helpers) may sit beside them in `rules/`; tables and recognisers may not.

Analysis never reports: it answers questions, and a rule decides.
"""
