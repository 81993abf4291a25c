#!/usr/bin/env node
import { run } from '../dist/tspmap.js';

run();
