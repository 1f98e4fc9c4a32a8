// monaco-yaml's language worker, bundled by vite (`?worker`), never fetched from a CDN.
import 'monaco-yaml/yaml.worker.js';
