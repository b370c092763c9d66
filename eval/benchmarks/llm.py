"""Benchmark a local chat model as newsrag loads it (``LocalChatModel``: its slots, context and threads): load time,
prompt tokens/s, generated tokens/s, first-token time for a prompt of a given size. Figures come from llama.cpp's
own timings. Run: ``python -m eval.benchmarks.llm [MODEL] [--prompt-tokens N]``.
"""

from __future__ import annotations

import argparse
import statistics

from rag.models.catalog import DEFAULT_LLM, gguf_path
from rag.models.hardware import llama_build_features, physical_cores

FILLER = ("The council met on Monday to discuss the new budget for public transport and road repairs in the "
          "northern districts, and members argued about the cost. ")  # about 30 tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", nargs="?", default=DEFAULT_LLM, help="packaged model name or GGUF path")
    parser.add_argument("--prompt-tokens", type=int, default=500, help="approximate uncached prompt size")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=physical_cores(), help="default: the physical cores")
    args = parser.parse_args()

    import xllamacpp

    from rag import Settings
    from rag.models.llm import LocalChatModel

    model = LocalChatModel(model_path=str(gguf_path(args.model)), context_tokens=Settings().llm_context,
                           threads=args.threads, max_tokens=48)
    server = model.load()._server  # the llama.cpp server newsrag answers with: its slots, context and threads
    print(f"model {args.model}: loaded in {model.load().load_seconds:.2f} s on {args.threads} threads; llama.cpp "
          f"built with {', '.join(sorted(llama_build_features(xllamacpp.get_system_info()))) or 'AVX2 at most'}")

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
    print(f"prompt {statistics.median(prompt_rates):.1f} tokens/s, "
          f"generation {statistics.median(generation_rates):.1f} tokens/s, "
          f"first token after {statistics.median(first_token):.0f} ms for ~{args.prompt_tokens} prompt tokens")


if __name__ == "__main__":
    main()
