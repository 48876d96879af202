// The comparison page: runs one batch through every strategy (POST compare/time) as many times as asked,
// by several clients at once, and charts what comes back with Chart.js. Every request goes to this page's
// own server, by a path relative to the page.
'use strict';

(function () {
	const MAX_CLIENTS = 16;
	const MAX_COMPARISONS = 500;
	const STATS_EVERY_MS = 1000;
	const MAX_SAMPLES = 300;

	const PERCENTILES = [
		{ label: 'median', p: 0.5, color: '#9ecae1' },
		{ label: 'p90', p: 0.9, color: '#4292c6' },
		{ label: 'p99', p: 0.99, color: '#08519c' },
		{ label: 'slowest', p: 1, color: '#08306b' },
	];
	const STATUS_COLORS = { 200: '#2da44e', 404: '#d4a72c', 500: '#6e1111', 502: '#cf222e', 503: '#8250df', 504: '#bc4c00' };

	const $ = (id) => document.getElementById(id);
	const app = $('app');
	const status = $('status');
	app.hidden = false;

	if (typeof Chart === 'undefined') {
		showError('The chart library did not load, so nothing can be drawn. Reload the page.');
		$('run').disabled = true;
		return;
	}
	Chart.defaults.animation = false;
	Chart.defaults.maintainAspectRatio = false;
	Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

	const limits = { batchMaxSize: 1000 };
	let run = null;
	let catalogNames = null;
	const startedAt = performance.now();

	const charts = {
		latency: new Chart($('latency-chart'), {
			type: 'bar',
			data: { labels: [], datasets: PERCENTILES.map((pc) => ({ label: pc.label, data: [], backgroundColor: pc.color })) },
			// A log scale: the strategies differ by orders of magnitude.
			options: { scales: { y: { type: 'logarithmic', title: { display: true, text: 'ms' } } } },
		}),
		throughput: new Chart($('throughput-chart'), {
			type: 'bar',
			data: { labels: [], datasets: [{ label: 'zones/s', data: [], backgroundColor: '#0969da' }] },
			options: {
				plugins: { legend: { display: false } },
				scales: { y: { type: 'logarithmic', title: { display: true, text: 'zones/s' } } },
			},
		}),
		statuses: new Chart($('status-chart'), {
			type: 'bar',
			data: { labels: [], datasets: [] },
			options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: 'items' } } } },
		}),
		workers: new Chart($('workers-chart'), {
			type: 'line',
			data: {
				datasets: [
					{ label: 'alive', data: [], borderColor: '#2da44e', backgroundColor: '#2da44e', stepped: true },
					{ label: 'busy', data: [], borderColor: '#0969da', backgroundColor: '#0969da', stepped: true },
					{ label: 'restarts', data: [], borderColor: '#cf222e', backgroundColor: '#cf222e', stepped: true },
				],
			},
			options: {
				scales: {
					x: { type: 'linear', title: { display: true, text: 'seconds since the page opened' } },
					y: { beginAtZero: true, ticks: { precision: 0 } },
				},
			},
		}),
	};

	refreshStats();
	$('run-form').addEventListener('submit', (event) => {
		event.preventDefault();
		if (!run) {
			start();
		}
	});
	$('stop').addEventListener('click', () => {
		if (run) {
			run.stopped = true;
			run.abort.abort();
		}
	});

	// The figures beside the charts, and one sample of the workers' chart.
	async function refreshStats() {
		let stats;
		try {
			const response = await fetch('page/stats', { headers: { Accept: 'application/json' } });
			if (!response.ok) {
				return;
			}
			stats = await response.json();
		}
		catch (ex) {
			return;
		}
		limits.batchMaxSize = stats.batch_max_size;
		$('tz-release').textContent = stats.tzdb;
		$('cores').textContent = stats.cores;
		$('batch-max').textContent = stats.batch_max_size;
		$('catalog-size').textContent = stats.zones;
		$('count').max = stats.batch_max_size;
		const workers = charts.workers;
		const x = Math.round((performance.now() - startedAt) / 100) / 10;
		[stats.workers.alive, stats.workers.busy, stats.workers.restarts].forEach((y, i) => {
			const samples = workers.data.datasets[i].data;
			samples.push({ x, y });
			if (samples.length > MAX_SAMPLES) {
				samples.shift();
			}
		});
		workers.update('none');
	}

	async function start() {
		let zones;
		try {
			zones = await chosenZones();
		}
		catch (ex) {
			showError(ex.message);
			return;
		}
		const clients = clamp($('concurrency'), 1, MAX_CLIENTS);
		const total = clamp($('comparisons'), 1, MAX_COMPARISONS);
		const source = $('source').value;
		run = {
			zones, clients, total, source, next: 0, done: 0, disagreed: 0, stopped: false,
			abort: new AbortController(), refused: {}, error: null, began: performance.now(),
			strategies: [], perStrategy: new Map(),
		};
		$('run').disabled = true;
		$('stop').disabled = false;
		showStatus(progress());
		const sampler = setInterval(refreshStats, STATS_EVERY_MS);
		try {
			await Promise.all(Array.from({ length: clients }, () => client(run)));
		}
		finally {
			clearInterval(sampler);
			await refreshStats();
			finish(run);
			run = null;
			$('run').disabled = false;
			$('stop').disabled = true;
		}
	}

	async function chosenZones() {
		const max = limits.batchMaxSize;
		if (document.querySelector('input[name="zone-mode"]:checked').value === 'list') {
			const zones = $('zones').value.split(/[\s,]+/).filter((zone) => zone.length > 0);
			if (zones.length === 0) {
				throw new Error('Name at least one zone, or draw them from the catalog.');
			}
			if (zones.length > max) {
				throw new Error(`That is ${zones.length} zones; a batch takes at most ${max}.`);
			}
			return zones;
		}
		if (!catalogNames) {
			const response = await fetch('api/timezone', { headers: { Accept: 'application/json' } });
			if (!response.ok) {
				throw new Error(`The zone catalog could not be read (HTTP ${response.status}).`);
			}
			catalogNames = await response.json();
		}
		const count = Math.min(clamp($('count'), 1, max), catalogNames.length);
		const names = catalogNames.slice();
		for (let i = 0; i < count; i++) {
			const j = i + Math.floor(Math.random() * (names.length - i));
			[names[i], names[j]] = [names[j], names[i]];
		}
		return names.slice(0, count);
	}

	// One client: takes the next comparison until every one is taken, the run stops or fails.
	async function client(current) {
		while (!current.stopped && current.next < current.total) {
			current.next++;
			let response;
			try {
				response = await fetch(`compare/time?source=${encodeURIComponent(current.source)}`, {
					method: 'POST',
					headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
					body: JSON.stringify(current.zones),
					signal: current.abort.signal,
				});
			}
			catch (ex) {
				if (!current.stopped) {
					fail(current, 'The service could not be reached: ' + ex.message);
				}
				return;
			}
			if (response.ok) {
				record(current, await response.json());
			}
			else if (response.status === 429 || response.status === 503) {
				// Shed or rate-limited: counted, and the next comparison is tried.
				current.refused[response.status] = (current.refused[response.status] || 0) + 1;
				await response.text();
			}
			else {
				fail(current, `The service refused the comparison (HTTP ${response.status}): ${await detail(response)}`);
				return;
			}
			showStatus(progress());
		}
	}

	async function detail(response) {
		try {
			const problem = await response.json();
			return problem.detail || problem.title || response.statusText;
		}
		catch (ex) {
			return response.statusText;
		}
	}

	function fail(current, message) {
		current.error = message;
		current.stopped = true;
		current.abort.abort();
	}

	function record(current, comparison) {
		current.done++;
		if (!comparison.agree) {
			current.disagreed++;
		}
		for (const result of comparison.runs) {
			let figures = current.perStrategy.get(result.strategy);
			if (!figures) {
				figures = { elapsed: [], zones: 0, ms: 0, statuses: {}, failed: 0, fastest: 0 };
				current.perStrategy.set(result.strategy, figures);
				current.strategies.push(result.strategy);
			}
			// A strategy that could not run at all (no worker) took no time: no sample.
			if (result.elapsed_ms > 0 || result.succeeded > 0) {
				figures.elapsed.push(result.elapsed_ms);
				figures.ms += result.elapsed_ms;
			}
			figures.zones += result.succeeded;
			figures.failed += result.failed;
			for (const [code, count] of Object.entries(result.statuses || {})) {
				figures.statuses[code] = (figures.statuses[code] || 0) + count;
			}
			if (result.strategy === comparison.fastest) {
				figures.fastest++;
			}
		}
		draw(current);
	}

	function draw(current) {
		const labels = current.strategies;
		const figures = labels.map((strategy) => current.perStrategy.get(strategy));
		const sorted = figures.map((f) => f.elapsed.slice().sort((a, b) => a - b));

		charts.latency.data.labels = labels;
		PERCENTILES.forEach((pc, i) => {
			charts.latency.data.datasets[i].data = sorted.map((values) => percentile(values, pc.p));
		});
		charts.latency.update('none');

		charts.throughput.data.labels = labels;
		charts.throughput.data.datasets[0].data = figures.map((f) => (f.ms > 0) ? Math.round(f.zones / f.ms * 1000) : 0);
		charts.throughput.update('none');

		const codes = [...new Set(figures.flatMap((f) => Object.keys(f.statuses)))].sort();
		charts.statuses.data.labels = labels;
		charts.statuses.data.datasets = codes.map((code) => ({
			label: String(code),
			data: figures.map((f) => f.statuses[code] || 0),
			backgroundColor: STATUS_COLORS[code] || '#8c959f',
		}));
		charts.statuses.update('none');

		const rows = labels.map((strategy, i) => {
			const f = figures[i];
			const row = document.createElement('tr');
			const cells = [strategy, f.elapsed.length, fixed(percentile(sorted[i], 0.5)), fixed(percentile(sorted[i], 0.99)),
				(f.ms > 0) ? Math.round(f.zones / f.ms * 1000) : '-', f.failed, f.fastest];
			for (const value of cells) {
				const cell = document.createElement('td');
				cell.textContent = value;
				row.appendChild(cell);
			}
			return row;
		});
		document.querySelector('#summary tbody').replaceChildren(...rows);
	}

	function percentile(sortedValues, p) {
		if (sortedValues.length === 0) {
			return null;
		}
		const rank = Math.max(1, Math.ceil(p * sortedValues.length));
		return sortedValues[rank - 1];
	}

	function fixed(value) {
		return (value === null) ? '-' : value.toFixed(2);
	}

	function progress() {
		return `Running: ${run.done} of ${run.total} comparisons of ${run.zones.length} zones, ${run.clients} `
			+ `client${run.clients > 1 ? 's' : ''} at once${refusedText(run)}.`;
	}

	function refusedText(current) {
		const parts = Object.entries(current.refused).map(([code, count]) => `${count} × HTTP ${code}`);
		return parts.length ? `; refused: ${parts.join(', ')}` : '';
	}

	function finish(current) {
		if (current.error) {
			showError(`${current.error} (${current.done} of ${current.total} comparisons done.)`);
			return;
		}
		const seconds = ((performance.now() - current.began) / 1000).toFixed(1);
		const agreement = (current.done === 0) ? ''
			: (current.disagreed === 0) ? ' Every strategy gave every item the same answer.'
				: ` The strategies disagreed in ${current.disagreed} of them.`;
		const verb = current.stopped ? 'Stopped after' : 'Done:';
		showStatus(`${verb} ${current.done} of ${current.total} comparisons of ${current.zones.length} zones in `
			+ `${seconds} s${refusedText(current)}.${agreement}`);
	}

	function clamp(input, min, max) {
		const value = Math.round(Number(input.value));
		const clamped = Number.isFinite(value) ? Math.min(Math.max(value, min), max) : min;
		input.value = clamped;
		return clamped;
	}

	function showStatus(text) {
		status.classList.remove('error');
		status.textContent = text;
	}

	function showError(text) {
		status.classList.add('error');
		status.textContent = text;
	}
})();
