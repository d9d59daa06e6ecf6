"""Pure Python core of Pipeline Playground: models, tasks and their errors. Never imports gradio."""
