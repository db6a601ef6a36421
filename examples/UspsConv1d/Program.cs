// The 1-D CNN of the classic USPS exercise on the FULL training set (7291 digits, 16×16 read as 256-pixel rows):
// Conv1d(1,32,3) → MaxPool1d(2,2) → Flatten → Linear(4064,100) → ReLU → Linear(100,10), AdamW (lr 1e-3, weight decay 0.3) with cosine annealing, batch 64: the plain
// network overfits the 7291 digits within a few epochs, and the decay plus the annealing keep it from doing so.
//   dotnet run -c Release --project examples/UspsConv1d -- [usps-folder] [epochs]
using System.Diagnostics;
using Neurone.Data;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;

string? folder = args.Length > 0 && args[0] != "-" ? args[0] : null;
int epochs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;

var (train, test) = Usps.Load(folder);
var normalize = Normalize.FitGlobal(train);
var trainSet = train.WithTransform(normalize).Reshape(1, 256);
var testSet = test.WithTransform(normalize).Reshape(1, 256);
Console.WriteLine($"USPS: {train.Count} training and {test.Count} test digits");

var rng = new Rng(0);
var model = new Sequential(
    new Conv1d(1, 32, 3, rng: rng), new MaxPool1d(2, 2), new Flatten(),
    new Linear(4064, 100, rng: rng), new ReLU(), new Linear(100, 10, rng: rng));
var optimizer = new AdamW(model.Parameters(), lr: 1e-3, weightDecay: 0.3);
var trainer = new Trainer(model, optimizer, new CrossEntropyLoss(), new Accuracy());
var clock = Stopwatch.StartNew();
trainer.Fit(trainSet, epochs: epochs, batchSize: 64, validationData: testSet,
    callbacks: [new LearningRateSchedule(new CosineAnnealingLR(optimizer, tMax: epochs))], rng: rng);
double seconds = clock.Elapsed.TotalSeconds;
var result = trainer.Evaluate(testSet);
Console.WriteLine($"USPS Conv1d: test accuracy {result["accuracy"]:P2} after {epochs} epochs, {seconds / epochs:F2} s per epoch (with evaluation)");
