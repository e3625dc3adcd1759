"""The transpiler core: graph model, compiler, the one execution engine, events, ScriptedLM.

No IPython or widget imports here: the core runs in plain scripts and web servers.
"""
