"""The Gradio chat app (see the UI issue); a thin layer over ``rag.NewsAssistant``."""
