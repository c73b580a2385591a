"""The Gradio chat UI: rendering, session state, event handlers, layout and launch."""
