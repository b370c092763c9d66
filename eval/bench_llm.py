"""Benchmark a local chat model: load time, prompt tokens/s, generated tokens/s, first-token time for a prompt of a
given size. Figures come from llama.cpp's own timings. Run: ``python -m eval.bench_llm [MODEL] [--prompt-tokens N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from rag.models import DEFAULT_LLM, gguf_path

FILLER = ("The council met on Monday to discuss the new budget for public transport and road repairs in the "
          "northern districts, and members argued about the cost. ")  # about 30 tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", nargs="?", default=DEFAULT_LLM, help="packaged model name or GGUF path")
    parser.add_argument("--prompt-tokens", type=int, default=500, help="approximate uncached prompt size")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(gguf_path(args.model))
    params.n_ctx, params.n_parallel, params.verbosity = 4096, 1, -1
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = args.threads
    started = time.perf_counter()
    server = xllamacpp.Server(params)
    print(f"model {args.model}: loaded in {time.perf_counter() - started:.2f} s on {args.threads} threads")

    prompt_rates, generation_rates, first_token = [], [], []
    for run in range(args.runs):
        text = f"Run {run}. " + FILLER * max(1, args.prompt_tokens // 30)  # differs from the start: no cache reuse
        request = {"messages": [{"role": "user", "content": f"{text}\nSummarise this in one sentence."}],
                   "max_tokens": 48, "temperature": 0}
        timings = server.handle_chat_completions(request)["timings"]
        prompt_rates.append(timings["prompt_per_second"])
        generation_rates.append(timings["predicted_per_second"])
        first_token.append(timings["prompt_ms"] + timings["predicted_per_token_ms"])
        print(f"  run {run + 1}: {timings['prompt_n']} prompt tokens in {timings['prompt_ms']:.0f} ms, "
              f"{timings['predicted_n']} generated in {timings['predicted_ms']:.0f} ms")
    print(f"prompt {statistics.median(prompt_rates):.1f} tokens/s, generation {statistics.median(generation_rates):.1f} "
          f"tokens/s, first token after {statistics.median(first_token):.0f} ms for ~{args.prompt_tokens} prompt tokens")


if __name__ == "__main__":
    main()
