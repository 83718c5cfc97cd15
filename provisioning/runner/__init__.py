"""The runner: claims runs by lease, executes their steps, persists everything, resumes."""
