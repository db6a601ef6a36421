// Regenerates docs/gallery: one sample of every picture Neurone.Viz makes, from small synthetic data,
// seeded, in a few seconds.
//   dotnet run -c Release --project examples/Gallery -- [output-folder]
// The output folder defaults to docs/gallery. docs/gallery/make-gallery.sh also screenshots each file
// with headless Chromium to check that a real viewer draws it.
using System.Globalization;
using Neurone.Data;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;
using Neurone.Viz;

string outDir = args.Length > 0 ? args[0] : Path.Combine("docs", "gallery");
Directory.CreateDirectory(outDir);
string Out(string name) { string p = Path.Combine(outDir, name); Console.WriteLine($"wrote {p}"); return p; }

// --- A small image classification problem: five kinds of 12x12 stroke patterns with noise. ---
const int Side = 12, Classes = 5;
string[] names = ["horizontal", "vertical", "diagonal", "ring", "corner"];
var rng = new Rng(7);
(byte[] Pixels, byte[] Labels) MakeImages(int n, Rng r)
{
    var pixels = new byte[n * Side * Side];
    var labels = new byte[n];
    for (int i = 0; i < n; i++)
    {
        int label = i % Classes;
        labels[i] = (byte)label;
        int a = r.NextInt(3, Side - 3), b = r.NextInt(3, Side - 3);
        for (int y = 0; y < Side; y++)
            for (int x = 0; x < Side; x++)
            {
                bool on = label switch
                {
                    0 => Math.Abs(y - a) <= 1,
                    1 => Math.Abs(x - b) <= 1,
                    2 => Math.Abs(x - y - (a - b) / 2) <= 1,
                    3 => Math.Abs(Math.Sqrt((x - 5.5) * (x - 5.5) + (y - 5.5) * (y - 5.5)) - (a + b) / 4.0) <= 1,
                    _ => (x == b && y >= a) || (y == a && x >= b) || (x == b + 1 && y >= a) || (y == a + 1 && x >= b),
                };
                double v = (on ? 0.85 : 0.1) + 0.35 * r.NextGaussian();
                pixels[(i * Side + y) * Side + x] = (byte)Math.Clamp(Math.Round(v * 255), 0, 255);
            }
    }
    return (pixels, labels);
}
var (trainPixels, trainLabels) = MakeImages(1500, rng);
var (testPixels, testLabels) = MakeImages(500, rng);
var trainSet = new ImageDataset(trainPixels, trainLabels, 1, Side, Side, names);
var testSet = new ImageDataset(testPixels, testLabels, 1, Side, Side, names);

ImageGrid.Overview(trainSet, new Rng(1), perClass: 10, scale: 3).Save(Out("overview.png"));

var model = new Sequential(new Linear(Side * Side, 16, rng: rng), new ReLU(), new Linear(16, Classes, rng: rng));
var trainer = new Trainer(model, new Adam(model.Parameters(), lr: 0.003), new CrossEntropyLoss(), new Accuracy());
var history = trainer.Fit(trainSet.Flatten(), epochs: 25, batchSize: 32, validationData: testSet.Flatten(), verbose: 0, rng: new Rng(2));
var (testX, testY) = testSet.Flatten().ToTensors();
var predicted = trainer.PredictClasses(testX);
var actual = testY.ToIntArray();
var confusion = new ConfusionMatrix(Classes);
confusion.Add(actual, predicted);

var firstLayer = ((Linear)model[0]).Weight;
ImageGrid.Weights(firstLayer, Side, Side, columns: 8, scale: 4).Save(Out("weights.png"));
ImageGrid.Misclassified(testX, predicted, actual, names, max: 12, columns: 6, scale: 4).Save(Out("misclassified.png"));
// Sample predictions: the first 20 test images and 4 mistakes, so both frame colours show.
var shown = Enumerable.Range(0, 20).Concat(Enumerable.Range(20, actual.Length - 20).Where(i => predicted[i] != actual[i]).Take(4)).ToArray();
var (shownX, _) = testSet.Subset(shown).Flatten().ToTensors();
ImageGrid.Predictions(shownX, shown.Select(i => predicted[i]).ToArray(), shown.Select(i => actual[i]).ToArray(), names, count: 24, columns: 8, scale: 4)
    .Save(Out("predictions.png"));

// Colour filters as a Conv2d weight [out, 3, 7, 7]: oriented stripes of different hues, to show RGB tiles.
var filters = new float[12 * 3 * 7 * 7];
for (int f = 0; f < 12; f++)
{
    double angle = f * Math.PI / 6, freq = 0.9 + 0.1 * (f % 3);
    for (int c = 0; c < 3; c++)
        for (int y = 0; y < 7; y++)
            for (int x = 0; x < 7; x++)
            {
                double u = (x - 3) * Math.Cos(angle) + (y - 3) * Math.Sin(angle);
                double envelope = Math.Exp(-((x - 3) * (x - 3) + (y - 3) * (y - 3)) / 8.0);
                filters[((f * 3 + c) * 7 + y) * 7 + x] = (float)(envelope * Math.Cos(freq * u + c * 2.1 * (f % 4)));
            }
}
ImageGrid.Weights(Tensor.FromArray(filters, 12, 3, 7, 7), columns: 6, scale: 6).Save(Out("weights-rgb.png"));

// --- An autoencoder with an 8-number code: originals above reconstructions. ---
var encoder = new Sequential(new Linear(Side * Side, 8, rng: rng), new Tanh(), new Linear(8, Side * Side, rng: rng), new Sigmoid());
var autoTrainer = new Trainer(encoder, new Adam(encoder.Parameters(), lr: 0.01), new MSELoss());
var (trainX, _) = trainSet.Flatten().ToTensors();
autoTrainer.Fit(trainX, trainX, epochs: 30, batchSize: 64, verbose: 0, rng: new Rng(3));
ImageGrid.Reconstructions(testX, autoTrainer.Predict(testX), count: 10, scale: 4).Save(Out("reconstructions.png"));

// --- Charts. ---
new TrainingCurves(history).Save(Out("curves.svg"));
new ConfusionMatrixPlot(confusion, names).Save(Out("confusion.svg"));

var spirals = Synthetic.Spirals(100, 3, new Rng(4), noise: 0.25f);
var spiralNet = new Sequential(new Linear(2, 64, rng: rng), new ReLU(), new Linear(64, 64, rng: rng), new ReLU(), new Linear(64, 3, rng: rng));
var spiralTrainer = new Trainer(spiralNet, new Adam(spiralNet.Parameters(), lr: 0.01), new CrossEntropyLoss(), new Accuracy());
spiralTrainer.Fit(spirals, epochs: 300, batchSize: 64, verbose: 0, rng: new Rng(5));
var spiralLabels = spirals.Y.ToIntArray();
new DecisionRegions(x => spiralTrainer.PredictClasses(x), spirals.X, spiralLabels, ["arm 0", "arm 1", "arm 2"],
    "Decision regions: 2-64-64-3 MLP on three spirals").Save(Out("decision-regions.svg"));

// A stand-in for a t-SNE map: ten Gaussian clusters in the plane, one per digit.
int perCluster = 80;
var pts = new float[10 * perCluster * 2];
var ptLabels = new int[10 * perCluster];
var cluster = new Rng(6);
for (int k = 0; k < 10; k++)
{
    double cx = 30 * Math.Cos(k * 2 * Math.PI / 10), cy = 30 * Math.Sin(k * 2 * Math.PI / 10);
    for (int i = 0; i < perCluster; i++)
    {
        int j = k * perCluster + i;
        pts[2 * j] = (float)(cx + 5 * cluster.NextGaussian());
        pts[2 * j + 1] = (float)(cy + 5 * cluster.NextGaussian());
        ptLabels[j] = k;
    }
}
var digitNames = Enumerable.Range(0, 10).Select(d => d.ToString(CultureInfo.InvariantCulture)).ToArray();
new ScatterPlot(Tensor.FromArray(pts, 10 * perCluster, 2), ptLabels, digitNames, "Embedding of 800 points, coloured by class")
    { XLabel = "dimension 1", YLabel = "dimension 2" }.Save(Out("scatter.svg"));

// Search results: validation accuracy of 12 trials against a log-uniform learning rate.
var search = new Rng(8);
var lrs = new double[12];
var accs = new double[12];
for (int t = 0; t < 12; t++)
{
    lrs[t] = Math.Pow(10, -5 + 4.5 * search.NextDouble());
    double d = Math.Log10(lrs[t]) + 2.5;
    accs[t] = Math.Round(Math.Clamp(0.1 + 0.87 * Math.Exp(-d * d / 2.5) + 0.01 * search.NextGaussian(), 0, 1), 3);
}
var order = Enumerable.Range(0, 12).OrderByDescending(t => accs[t]).ToArray();
new BarChart(order.Select(t => $"#{t + 1} lr {lrs[t].ToString("0.0e0", CultureInfo.InvariantCulture)}").ToArray(), order.Select(t => accs[t]).ToArray(),
    "Random search: validation accuracy per trial", null, "validation accuracy") { Highlight = 0 }.Save(Out("bar.svg"));
var byLr = Enumerable.Range(0, 12).OrderBy(t => lrs[t]).ToArray();
new LineChart("Validation accuracy against learning rate", "learning rate", "validation accuracy") { LogX = true }
    .Add("trials", byLr.Select(t => lrs[t]).ToArray(), byLr.Select(t => accs[t]).ToArray())
    .Save(Out("line.svg"));

// --- The report of the image classifier's run. ---
var finalMetrics = trainer.Evaluate(testSet.Flatten());
new Report("Five stroke patterns: 144-16-5 MLP") { Subtitle = "Synthetic 12x12 images, 1500 for training and 500 for testing, seed 7." }
    .AddConfiguration([new("model", "Linear(144, 16) - ReLU - Linear(16, 5)"), new("optimizer", "Adam, lr 0.003"),
        new("loss", "CrossEntropyLoss"), new("epochs", "25"), new("batch size", "32"), new("seed", "7")])
    .AddMetrics(finalMetrics)
    .AddHistory(history)
    .AddConfusionMatrix(confusion, names)
    .AddImage("Sample predictions", ImageGrid.Predictions(testX, predicted, actual, names, count: 16, columns: 8, scale: 4),
        "The first 16 test images: green frames right, red frames wrong.")
    .AddImage("First-layer weights", ImageGrid.Weights(firstLayer, Side, Side, columns: 8, scale: 4), "Each of the 16 hidden units' weights as a 12x12 image.")
    .Save(Out("report.html"));
