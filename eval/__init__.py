"""The evaluation harness: ``newsrag eval --dataset DIR`` scores retrieval, answers and speed on gold Q&A."""
